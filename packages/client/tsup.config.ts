import { defineConfig } from 'tsup';

// ES modules + CommonJS + declarations; the wire types (libs/protocol, reached through the `@app/protocol` path)
// are bundled, the runtime dependencies stay external.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  noExternal: ['@app/protocol'],
});
