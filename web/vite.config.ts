import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dashboard: built into web/dist, served by the API server at `/`. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts is a chunk of its own, loaded with the first page that draws a chart (the overview
    // or the loyalty overview); the bundler names it after a module inside, chart-theme.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development, with the API on :8080.
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
