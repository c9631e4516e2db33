import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * TEMPORARY, until GENDERS moves to a dependency-free file (requested from the lead): the rules
 * editor imports the field catalogue src/modules/loyalty/loyalty.fields.ts, whose only other
 * import, `../members/index.ts`, would pull the whole members module (routes, node:crypto) into
 * the browser. That one import is answered with the GENDERS declaration read from
 * members.types.ts at build time — read, not copied, so the list still has one home. Once
 * loyalty.fields.ts imports a dependency-free file, the condition below stops matching; then
 * delete this plugin.
 */
function gendersBridge(): Plugin {
  const id = '\0membrain:members-genders';
  const source = fileURLToPath(new URL('../src/modules/members/members.types.ts', import.meta.url));
  return {
    name: 'membrain:genders-bridge',
    enforce: 'pre',
    resolveId(specifier, importer) {
      const fromCatalogue = importer?.replaceAll('\\', '/').endsWith('/modules/loyalty/loyalty.fields.ts');
      return fromCatalogue && specifier === '../members/index.ts' ? id : null;
    },
    load(loaded) {
      if (loaded !== id) return null;
      const declaration = /export const GENDERS = (\[[^\]]*\]) as const;/.exec(readFileSync(source, 'utf8'));
      if (!declaration) throw new Error(`GENDERS not found in ${source}; update gendersBridge in web/vite.config.ts`);
      return `export const GENDERS = ${declaration[1]};`;
    },
  };
}

/** The dashboard: built into web/dist, served by the API server at `/`. */
export default defineConfig({
  root,
  base: '/',
  plugins: [gendersBridge(), react()],
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
