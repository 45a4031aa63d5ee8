import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const from = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      // until @switchboard/client (packages/client) lands: the repository's SDK with browser stand-ins for node:*
      '@switchboard/client': from('../../libs/sdk/src/index.ts'),
      '@app/protocol': from('../../libs/protocol/src/index.ts'),
      'node:events': from('./src/shims/events.ts'),
      'node:crypto': from('./src/shims/crypto.ts'),
    },
  },
  build: {
    outDir: from('../../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } },
  },
});
