#!/bin/bash
# A push node's footprint at idle: starts dist/apps/netty-node on Redis (db 9), waits 15 s, prints its RSS, heap,
# the number of modules it loaded and whether TypeORM was among them. Run `npm run build` first; Redis on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export JWT_SECRET=idle-rss-probe-secret-0123456789abcdef INTERNAL_SECRET=idle-rss-probe-internal-0123456789abcdef \
  REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/9} NODE_ID=idle-rss-probe PUBLIC_URL=http://127.0.0.1:3990 PORT=3990 \
  INTERNAL_PORT=3991 INTERNAL_URL=ws://127.0.0.1:3991 LOG_LEVEL=warn
for run in 1 2 3; do
  node -e "
    const Module = require('module'); const load = Module._load; let typeorm = false;
    Module._load = function (request, ...rest) { if (/^typeorm/.test(request)) typeorm = true; return load.call(this, request, ...rest); };
    require('./dist/apps/netty-node/src/main.js');
    setTimeout(() => {
      const m = process.memoryUsage();
      console.error('run $run: rss ' + (m.rss / 1048576).toFixed(1) + ' MiB, heap used ' + (m.heapUsed / 1048576).toFixed(1) +
        ' MiB, modules ' + Object.keys(require.cache).length + ', typeorm loaded: ' + typeorm);
      process.exit(0);
    }, 15000);
  " 2>&1 | grep '^run '
done
