import { SplitCluster } from './split-cluster';
import { startStandalone } from './standalone-harness';

export interface RunningDeployment {
  /** The gateway (one process: the server itself). */
  baseUrl: string;
  stop(): Promise<void>;
}

export interface Deployment {
  name: string;
  start(env?: Record<string, string>): Promise<RunningDeployment>;
}

/** Both ways Switchboard runs, for suites that must behave the same on each (the split needs `npm run build`). */
export const DEPLOYMENTS: Deployment[] = [
  {
    name: 'one process',
    start: async (env = {}) => {
      const server = await startStandalone({ LOG_LEVEL: 'error', ...env });
      return { baseUrl: server.baseUrl, stop: () => server.destroy() };
    },
  },
  {
    name: 'split',
    start: async (env = {}) => {
      const cluster = await SplitCluster.start({ env });
      return { baseUrl: cluster.gatewayUrl, stop: () => cluster.stop() };
    },
  },
];
