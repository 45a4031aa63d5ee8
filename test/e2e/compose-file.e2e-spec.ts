import {
  ClusterConfig,
  ConfigError,
  GatewayConfig,
  loadConfig,
  MessageDispatchConfig,
  NettyNodeConfig,
  StorageWorkerConfig,
} from '@app/config';
import { getMetadataStorage } from 'class-validator';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml, the Dockerfile and deploy/ checked without a container engine: the compose file must start the
 * whole split (see docs/architecture.md, 'Two deployments, one codebase') with every app's environment passing its own
 * config class, so a typo or a missing variable shows up here and not as a crash loop on someone's machine.
 */

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface PortMapping {
  target?: number | string;
  published?: number | string;
  host_ip?: string;
  protocol?: string;
}
interface Service {
  image?: string;
  build?: string | { context?: string; args?: Record<string, string> | string[] };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: Healthcheck;
  ports?: (string | number | PortMapping)[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

type ConfigClass = new () => ClusterConfig;
const CONFIG_BY_APP: Record<string, ConfigClass> = {
  gateway: GatewayConfig,
  'netty-node': NettyNodeConfig,
  'message-dispatch': MessageDispatchConfig,
  'storage-worker': StorageWorkerConfig,
};

const EXPECTED_SERVICES = [
  'postgres',
  'redis',
  'rmqnamesrv',
  'rmqbroker',
  'rmqinit',
  'elasticsearch',
  'nginx',
  'gateway-1',
  'gateway-2',
  'netty-node-1',
  'netty-node-2',
  'message-dispatch',
  'storage-worker',
];
const EXPECTED_APPS: Record<string, string> = {
  'gateway-1': 'gateway',
  'gateway-2': 'gateway',
  'netty-node-1': 'netty-node',
  'netty-node-2': 'netty-node',
  'message-dispatch': 'message-dispatch',
  'storage-worker': 'storage-worker',
};

/**
 * Compose interpolation as `docker compose` does it, with an empty host environment (so the file's own defaults are
 * what is checked): `$$` → `$`, `${VAR:-default}` / `${VAR-default}` → default, `${VAR}` / `$VAR` without a
 * default → an error, since the stack would then depend on something the user must set first.
 */
function interpolate(value: string, where: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      if (op === ':-' || op === '-') return arg ?? '';
      throw new Error(`${where}: ${match} has no default value (variable ${braced ?? bare})`);
    },
  );
}

function interpolateAll(node: unknown, where: string): unknown {
  if (typeof node === 'string') return interpolate(node, where);
  if (Array.isArray(node)) return node.map((item, i) => interpolateAll(item, `${where}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, `${where}.${k}`)]));
  }
  return node;
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

function buildArgsOf(service: Service): Record<string, string> {
  if (!service.build || typeof service.build === 'string') return {};
  const args = service.build.args ?? {};
  if (Array.isArray(args)) return Object.fromEntries(args.map((a) => a.split('=', 2) as [string, string]));
  return args;
}

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d?.condition ?? 'service_started']));
}

/** Host side of each published port, as `ip:port/protocol`. */
function publishedPorts(service: Service): { key: string; hostPort: number; containerPort: number }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      const protocol = p.protocol ?? 'tcp';
      const hostPort = Number(p.published);
      return { key: `${p.host_ip ?? '0.0.0.0'}:${hostPort}/${protocol}`, hostPort, containerPort: Number(p.target) };
    }
    const [spec, protocol = 'tcp'] = String(p).split('/');
    const parts = spec.split(':');
    if (parts.length === 1) throw new Error(`port ${p} is published on a random host port; give it a fixed one`);
    const containerPort = Number(parts.pop());
    const hostPort = Number(parts.pop());
    const ip = parts.length ? parts.join(':') : '0.0.0.0';
    return { key: `${ip}:${hostPort}/${protocol}`, hostPort, containerPort };
  });
}

/** Host names of the engines and services an app reaches, from its connection settings. */
function hostsReached(env: Record<string, string>): string[] {
  const hosts = new Set<string>();
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ELASTICSEARCH_URL', 'DISPATCH_URL']) {
    if (env[key]) hosts.add(new URL(env[key]).hostname);
  }
  for (const endpoint of (env.ROCKETMQ_ENDPOINTS ?? '').split(';').filter(Boolean)) hosts.add(endpoint.split(':')[0]);
  return [...hosts];
}

describe('docker-compose.yml (the split, no containers)', () => {
  const raw = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
  const compose = interpolateAll(raw, 'docker-compose.yml') as ComposeFile;
  const services = compose.services;
  const appServices = Object.entries(services).filter(([, s]) => buildArgsOf(s).APP);

  it('has every service of the split', () => {
    expect(Object.keys(services).sort()).toEqual([...EXPECTED_SERVICES].sort());
  });

  it('builds each app from this Dockerfile with its APP build argument', () => {
    expect(Object.fromEntries(appServices.map(([name, s]) => [name, buildArgsOf(s).APP]))).toEqual(EXPECTED_APPS);
    for (const [name, service] of appServices) {
      const context = typeof service.build === 'string' ? service.build : service.build?.context;
      expect({ name, context }).toEqual({ name, context: '.' });
      expect({ name, restart: service.restart }).toEqual({
        name,
        restart: expect.stringMatching(/^(always|unless-stopped|on-failure)/),
      });
    }
  });

  it.each(Object.entries(EXPECTED_APPS))('%s: its environment passes loadConfig(<config class of %s>)', (name, app) => {
    const env = environmentOf(services[name]);
    expect(() => loadConfig(CONFIG_BY_APP[app], env)).not.toThrow();
    // every variable set is one the class validates (a misspelt name would otherwise be silently ignored)
    const known = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(CONFIG_BY_APP[app], '', true, false)
        .map((m) => m.propertyName),
    );
    expect(known.has('PORT')).toBe(true);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  });

  it('refuses a gateway environment without DATABASE_URL, naming it', () => {
    const env = environmentOf(services['gateway-1']);
    delete env.DATABASE_URL;
    expect(() => loadConfig(GatewayConfig, env)).toThrow(ConfigError);
    expect(() => loadConfig(GatewayConfig, env)).toThrow(/DATABASE_URL/);
  });

  it('shares the secrets across every app, with placeholders long enough to boot', () => {
    const jwt = new Set(appServices.map(([, s]) => environmentOf(s).JWT_SECRET));
    const internal = new Set(appServices.map(([, s]) => environmentOf(s).INTERNAL_SECRET));
    expect(jwt.size).toBe(1);
    expect(internal.size).toBe(1);
    expect([...jwt][0].length).toBeGreaterThanOrEqual(32);
    expect([...internal][0].length).toBeGreaterThanOrEqual(32);
    expect([...jwt][0]).not.toEqual([...internal][0]);
    // taken from the x-secrets anchor, overridable from the environment
    expect(raw.services['gateway-1'].environment).toMatchObject({
      JWT_SECRET: expect.stringMatching(/^\$\{[A-Z_]+:-.{32,}\}$/),
    });
  });

  it('makes every app wait for the engines and services it reaches to be healthy', () => {
    for (const [name, service] of appServices) {
      const env = environmentOf(service);
      const deps = dependsOn(service);
      const needed = hostsReached(env);
      expect({ name, needed: needed.length > 0 }).toEqual({ name, needed: true });
      for (const host of needed) {
        expect({ name, host, isService: host in services }).toEqual({ name, host, isService: true });
        expect({ name, host, condition: deps[host] }).toEqual({ name, host, condition: 'service_healthy' });
      }
      if (env.ROCKETMQ_ENDPOINTS) {
        expect({ name, rmqinit: deps.rmqinit }).toEqual({ name, rmqinit: 'service_completed_successfully' });
      }
    }
    // and the engines a config class requires are the ones reached
    expect(hostsReached(environmentOf(services['gateway-1'])).sort()).toEqual([
      'elasticsearch',
      'message-dispatch',
      'postgres',
      'redis',
    ]);
    expect(hostsReached(environmentOf(services['storage-worker'])).sort()).toEqual([
      'elasticsearch',
      'redis',
      'rmqbroker',
    ]);
    expect(hostsReached(environmentOf(services['message-dispatch'])).sort()).toEqual(['redis', 'rmqbroker']);
    expect(hostsReached(environmentOf(services['netty-node-1']))).toEqual(['redis']);
    // the gateways migrate PostgreSQL at boot: the second waits for the first
    expect(dependsOn(services['gateway-2'])['gateway-1']).toBe('service_healthy');
  });

  it('points every connection setting at the right port of its service', () => {
    const dispatch = environmentOf(services['message-dispatch']);
    for (const [name, service] of appServices) {
      const env = environmentOf(service);
      if (env.DISPATCH_URL)
        expect({ name, port: new URL(env.DISPATCH_URL).port }).toEqual({ name, port: dispatch.RPC_PORT });
      if (env.REDIS_URL) expect({ name, port: new URL(env.REDIS_URL).port || '6379' }).toEqual({ name, port: '6379' });
      if (env.ELASTICSEARCH_URL)
        expect({ name, port: new URL(env.ELASTICSEARCH_URL).port }).toEqual({ name, port: '9200' });
      if (env.DATABASE_URL) {
        const db = new URL(env.DATABASE_URL);
        const pg = environmentOf(services.postgres);
        expect({ name, user: db.username, password: db.password, db: db.pathname.slice(1), port: db.port }).toEqual({
          name,
          user: pg.POSTGRES_USER,
          password: pg.POSTGRES_PASSWORD,
          db: pg.POSTGRES_DB,
          port: '5432',
        });
      }
    }
  });

  it('only depends on services that exist, without a cycle', () => {
    const edges = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, Object.keys(dependsOn(s))]));
    for (const [name, targets] of Object.entries(edges)) {
      for (const target of targets)
        expect({ name, target, exists: target in services }).toEqual({ name, target, exists: true });
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
      state.set(name, 'visiting');
      for (const target of edges[name] ?? []) visit(target, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of Object.keys(edges)) visit(name, []);
  });

  it('gives every long-running service a healthcheck (rmqinit is a one-shot)', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'rmqinit') {
        expect(service.restart).toBe('no');
        continue;
      }
      const hc = service.healthcheck;
      expect({ name, test: Array.isArray(hc?.test) ? hc?.test[0] : hc?.test, disabled: hc?.disable ?? false }).toEqual({
        name,
        test: expect.stringMatching(/^CMD(-SHELL)?$/),
        disabled: false,
      });
    }
    // the apps' healthcheck asks their own GET /health on their PORT
    for (const [name, service] of appServices) {
      expect({ name, test: (service.healthcheck?.test as string[]).join(' ') }).toEqual({
        name,
        test: expect.stringMatching(/process\.env\.PORT.*\/health/),
      });
    }
  });

  it('publishes host ports that do not clash', () => {
    const all = Object.entries(services).flatMap(([name, s]) => publishedPorts(s).map((p) => ({ name, ...p })));
    const byKey = new Map<string, string[]>();
    for (const p of all) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p.name]);
    expect([...byKey].filter(([, names]) => names.length > 1)).toEqual([]);
    // the same host port on two addresses still clashes with 0.0.0.0
    const hostPorts = all.map((p) => p.hostPort);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    expect(publishedPorts(services.nginx).map((p) => p.hostPort)).toEqual([8080]);
  });

  describe('push nodes', () => {
    const nodes = appServices.filter(([, s]) => buildArgsOf(s).APP === 'netty-node');

    it('are two, with unique NODE_IDs', () => {
      const ids = nodes.map(([, s]) => environmentOf(s).NODE_ID);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
    });

    it.each(['netty-node-1', 'netty-node-2'])('%s: INTERNAL_URL names its own service and INTERNAL_PORT', (name) => {
      const config = loadConfig(NettyNodeConfig, environmentOf(services[name]));
      const internal = new URL(config.INTERNAL_URL);
      expect(internal.protocol).toBe('ws:');
      expect(internal.hostname).toBe(name);
      expect(Number(internal.port)).toBe(config.INTERNAL_PORT);
      expect(config.INTERNAL_PORT).not.toBe(config.PORT);
    });

    it.each(['netty-node-1', 'netty-node-2'])('%s: PUBLIC_URL is the host port that maps to its PORT', (name) => {
      const config = loadConfig(NettyNodeConfig, environmentOf(services[name]));
      const url = new URL(config.PUBLIC_URL);
      const published = publishedPorts(services[name]);
      expect(published).toContainEqual(
        expect.objectContaining({ hostPort: Number(url.port), containerPort: config.PORT }),
      );
      // the internal WebSocket is for dispatch only, never published
      expect(published.map((p) => p.containerPort)).not.toContain(config.INTERNAL_PORT);
    });
  });

  describe('RocketMQ', () => {
    const proxy = JSON.parse(read('deploy/rocketmq/rmq-proxy.json')) as { grpcServerPort: number; proxyMode: string };
    const init = environmentOf(services.rmqinit);

    it('runs broker and proxy in one container with the mounted configs', () => {
      const command = ([] as string[]).concat(services.rmqbroker.command ?? []).join(' ');
      expect(command).toMatch(/mqbroker --enable-proxy -n rmqnamesrv:9876/);
      expect(command).toContain('-c /home/rocketmq/broker.conf');
      expect(command).toContain('-pc /home/rocketmq/rmq-proxy.json');
      expect(proxy.proxyMode).toBe('local');
      expect(dependsOn(services.rmqbroker)).toEqual({ rmqnamesrv: 'service_healthy' });
      expect(dependsOn(services.rmqinit)).toEqual({ rmqbroker: 'service_healthy' });
    });

    it('lets the apps reach the proxy gRPC port and creates the topic and groups they use', () => {
      const dispatch = loadConfig(MessageDispatchConfig, environmentOf(services['message-dispatch']));
      const worker = loadConfig(StorageWorkerConfig, environmentOf(services['storage-worker']));
      for (const endpoints of [dispatch.ROCKETMQ_ENDPOINTS, worker.ROCKETMQ_ENDPOINTS]) {
        expect(endpoints).toBe(`rmqbroker:${proxy.grpcServerPort}`);
      }
      expect(dispatch.ROCKETMQ_TOPIC).toBe(init.ROCKETMQ_TOPIC);
      expect(worker.ROCKETMQ_TOPIC).toBe(init.ROCKETMQ_TOPIC);
      expect(init.ROCKETMQ_GROUPS.split(/\s+/).sort()).toEqual(
        [`${worker.ROCKETMQ_GROUP_PREFIX}-history`, `${worker.ROCKETMQ_GROUP_PREFIX}-offline`].sort(),
      );
      const script = read('deploy/rocketmq/init-topics.sh');
      expect(script).toMatch(/updateTopic .*-a \+message\.type=NORMAL/);
      expect(script).toMatch(/updateSubGroup /);
    });
  });

  it('mounts only files that exist in the repository', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
        if (source.startsWith('./') || source.startsWith('../')) {
          expect({ name, source, exists: existsSync(join(ROOT, source)) }).toEqual({ name, source, exists: true });
        } else if (source && !source.startsWith('/')) {
          expect({ name, namedVolume: source, declared: source in (compose.volumes ?? {}) }).toEqual({
            name,
            namedVolume: source,
            declared: true,
          });
        }
      }
    }
  });

  describe('nginx', () => {
    const conf = read('deploy/nginx/nginx.conf');

    it('mounts deploy/nginx/nginx.conf', () => {
      expect(services.nginx.volumes).toContainEqual(
        expect.stringMatching(/^\.\/deploy\/nginx\/nginx\.conf:\/etc\/nginx\/nginx\.conf/),
      );
    });

    it('balances over both gateways on their PORT', () => {
      for (const name of ['gateway-1', 'gateway-2']) {
        expect(conf).toContain(`server ${name}:${environmentOf(services[name]).PORT}`);
      }
    });

    it('upgrades /ws and /socket.io to WebSocket and keeps them open', () => {
      expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade \{/);
      for (const path of ['/ws', '/socket.io/']) {
        const block = conf.match(new RegExp(`location ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\{([^}]*)\\}`));
        expect({ path, found: Boolean(block) }).toEqual({ path, found: true });
        const body = block![1];
        expect(body).toContain('proxy_http_version 1.1;');
        expect(body).toContain('proxy_set_header Upgrade $http_upgrade;');
        expect(body).toContain('proxy_set_header Connection $connection_upgrade;');
        const timeout = body.match(/proxy_read_timeout (\d+)s;/);
        expect(Number(timeout?.[1])).toBeGreaterThanOrEqual(600);
      }
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read('Dockerfile');

    it('builds on node:20-bookworm and runs on node:20-bookworm-slim as a non-root user', () => {
      expect(dockerfile).toMatch(/^FROM node:20-bookworm AS build$/m);
      expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\b/m);
      expect(dockerfile).toMatch(/^RUN .*npm ci\b/m);
      expect(dockerfile).toMatch(/npm run build/);
      expect(dockerfile).toMatch(/npm prune --omit=dev/);
      const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
      expect(users.at(-1)).toBeDefined();
      expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
      expect(dockerfile).toMatch(/NODE_ENV=production/);
      expect(dockerfile).toMatch(/^HEALTHCHECK .*/m);
    });

    it('defaults APP to gateway and starts dist/apps/${APP}/src/main.js', () => {
      expect(dockerfile).toMatch(/^ARG APP=gateway$/m);
      const cmd = dockerfile.match(/^CMD (.*)$/m)?.[1] ?? '';
      expect(cmd).toContain('dist/apps/${APP}/src/main.js');
      // the shell that expands ${APP} must hand over to node, so SIGTERM reaches the app
      expect(cmd).toMatch(/exec node /);
      expect(dockerfile).toMatch(/^ENV [\s\S]*APP=\$\{APP\}/m);
    });

    it('leaves local state out of the build context', () => {
      const ignored = read('.dockerignore')
        .split('\n')
        .map((l) => l.trim());
      for (const entry of ['node_modules', 'dist', 'data', 'reports', '.git', 'coverage'])
        expect(ignored).toContain(entry);
    });
  });
});
