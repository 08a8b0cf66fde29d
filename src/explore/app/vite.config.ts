// The explorer's web app, built into the package (dist/explore/app) by `npm run build`: served
// by `fairlink explore` from there, with relative paths and nothing fetched from the network.
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [preact()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/explore/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
});
