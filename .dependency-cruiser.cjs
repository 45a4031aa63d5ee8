/**
 * The import rules of docs/architecture.md ("Import rules"), checked by `npm run lint:deps` in CI.
 * A violation fails the build; fix the import, not the rule.
 */
const ENGINES = {
  redis: ['ioredis', '@socket.io/redis-adapter', '@socket.io/redis-emitter'],
  persistence: ['typeorm', '@nestjs/typeorm', 'pg'],
  rocketmq: ['rocketmq-client-nodejs'],
  elasticsearch: ['@elastic/elasticsearch'],
};
const npm = (names) => names.map((n) => `^node_modules/${n.replace(/[/.]/g, '\\$&')}/`);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between modules makes both impossible to understand or test alone.',
      from: { path: '^(apps|libs|packages)/' },
      to: { circular: true },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      comment: 'Apps are composition roots; libs hold the logic and know no app.',
      from: { path: '^(libs|packages)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-import-each-other',
      severity: 'error',
      comment: 'Each app is deployed alone; what two apps share belongs in a lib.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-only-through-their-entry-point',
      severity: 'error',
      comment: 'Import a lib as @app/<lib> (its index.ts), never by a deep path: its inside may move.',
      from: { path: '^(apps|libs|test|bench)/', pathNot: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'lib-deep-into-other-lib',
      severity: 'error',
      comment: 'A lib reaches another lib only through @app/<lib>.',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    ...Object.entries(ENGINES).map(([lib, packages]) => ({
      name: `${lib}-client-only-in-libs/${lib}`,
      severity: 'error',
      comment: `The ${lib} engine's client is used only inside its adapter lib (libs/${lib}), behind a port (libs/testing, which sets up test databases, excepted).`,
      from: { path: '^(apps|libs|packages)/', pathNot: [`^libs/${lib}/`, '^libs/testing/'] },
      to: { path: npm(packages) },
    })),
    {
      name: 'redis-only-apps-load-no-relational-store',
      severity: 'error',
      comment:
        'The push node, message-dispatch and the storage-worker never touch PostgreSQL: nothing they import, however indirectly, may load the relational store, the embedded one or the gateway-side libs (TypeORM entities and the pg driver cost memory and boot time in every process).',
      from: { path: '^apps/(netty-node|message-dispatch|storage-worker)/src/main\\.ts$' },
      to: { reachable: true, path: ['^libs/(persistence|embedded|social|messaging|accounts)/', ...npm(ENGINES.persistence)] },
    },
    {
      name: 'core-and-protocol-import-no-engine-or-lib',
      severity: 'error',
      comment:
        'The domain core and the wire protocol depend on nothing but each other (core → protocol) and a few engine-free utilities (uuid for time-ordered ids).',
      from: { path: '^libs/(core|protocol)/' },
      to: { path: ['^libs/', '^node_modules/'], pathNot: ['^libs/(core|protocol)/', '^node_modules/(@nestjs/common|reflect-metadata|@types|uuid)/'] },
    },
    {
      name: 'sdk-imports-only-the-protocol',
      severity: 'error',
      comment: 'The client SDK is published alone: it may use the wire protocol and its own runtime dependencies only.',
      from: { path: '^(packages/client|libs/sdk)/' },
      to: { path: ['^libs/', '^apps/'], pathNot: ['^libs/protocol/', '^libs/sdk/'] },
    },
  ],
  options: {
    // node_modules may be a symlink (a git worktree sharing a checkout's): resolve through it, not to its real path,
    // or no engine package would match '^node_modules/' and every engine rule would pass unseen
    preserveSymlinks: true,
    doNotFollow: { path: 'node_modules' },
    // our build output only: a package's dist/ is where @socket.io/redis-adapter, -emitter and uuid keep their code
    exclude: { path: ['^dist/', '^(apps|libs|packages)/[^/]+/dist/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
