import { join } from 'node:path';

/** The size and length of one chaos run; every field can be set from the environment (see `chaosConfigFromEnv`). */
export interface ChaosConfig {
  /** Users, each one SDK client that sends and receives. */
  clients: number;
  /** Sends to make in all (1:1 and group), answered 201 by the end. */
  messages: number;
  /** Share of sends that go to a group rather than a friend (0–1). */
  groupShare: number;
  /** Members per group. */
  groupSize: number;
  /** Longest the traffic may last; it ends sooner once `messages` are sent and every fault has happened once. */
  trafficSeconds: number;
  /** Hard bound on the whole run, set-up and check included: past it the run stops itself and fails. */
  deadlineSeconds: number;
  /** How long a killed app or engine stays down before it is started again. */
  downSeconds: number;
  /** Whether to inject faults at all (off: a baseline run). */
  faults: boolean;
  /** Share of clients dropped (and reconnected 1–5 s later) every 2 s. */
  dropShare: number;
  /** Where client logs, history and app output go. */
  outDir: string;
}

const ROOT = join(__dirname, '..', '..');

export const FULL_CHAOS: Omit<ChaosConfig, 'outDir'> = {
  clients: 500,
  messages: 50_000,
  groupShare: 0.3,
  groupSize: 10,
  trafficSeconds: 360,
  deadlineSeconds: 600,
  downSeconds: 3,
  faults: true,
  dropShare: 0.01,
};

/** What CI runs: small, but every fault at least once. */
export const CI_CHAOS: Omit<ChaosConfig, 'outDir'> = {
  ...FULL_CHAOS,
  clients: 50,
  messages: 2_000,
  groupSize: 5,
  trafficSeconds: 240,
  deadlineSeconds: 600,
  dropShare: 0.04,
};

/** FULL_CHAOS, overridden by CHAOS_CLIENTS, CHAOS_MESSAGES, CHAOS_GROUP_SHARE, CHAOS_GROUP_SIZE, CHAOS_TRAFFIC_S… */
export function chaosConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ChaosConfig {
  const base = env.CHAOS_PRESET === 'ci' ? CI_CHAOS : FULL_CHAOS;
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  const config: ChaosConfig = {
    clients: num('CHAOS_CLIENTS', base.clients),
    messages: num('CHAOS_MESSAGES', base.messages),
    groupShare: num('CHAOS_GROUP_SHARE', base.groupShare),
    groupSize: num('CHAOS_GROUP_SIZE', base.groupSize),
    trafficSeconds: num('CHAOS_TRAFFIC_S', base.trafficSeconds),
    deadlineSeconds: num('CHAOS_DEADLINE_S', base.deadlineSeconds),
    downSeconds: num('CHAOS_DOWN_S', base.downSeconds),
    faults: env.CHAOS_FAULTS !== '0',
    dropShare: num('CHAOS_DROP_SHARE', base.dropShare),
    outDir: env.CHAOS_OUT ?? join(ROOT, 'reports', 'chaos'),
  };
  if (config.clients < 4 || config.clients % 2) throw new Error('CHAOS_CLIENTS must be an even number ≥ 4');
  if (config.groupSize < 2 || config.groupSize > config.clients) throw new Error('CHAOS_GROUP_SIZE must be 2..clients');
  if (config.groupShare > 1 || config.dropShare > 1) throw new Error('CHAOS_GROUP_SHARE/CHAOS_DROP_SHARE are 0..1');
  if (config.deadlineSeconds > 600) throw new Error('CHAOS_DEADLINE_S is at most 600 (the run is bounded to 10 min)');
  return config;
}
