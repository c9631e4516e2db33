import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's sources (web/ at the repository root). */
export const WEB_DIR = fileURLToPath(new URL('../../web', import.meta.url));

export interface EnsureWebBuildOptions {
  /** The web/ folder; the build goes to its dist/. */
  webDir?: string;
}

export interface EnsureWebBuildResult {
  /** `no-sources`: an installation without web/ (the API alone is served). */
  status: 'fresh' | 'built' | 'no-sources';
  dist: string;
  ms: number;
}

/** The newest modification time under `path` (a file or a folder, recursively); 0 when absent. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Server files the dashboard bundles (paths from web/), so changing one rebuilds it too. */
const SHARED_WITH_SERVER = [
  '../src/modules/events/event-types.ts',
  '../src/http/scopes.ts',
  '../src/modules/loyalty/loyalty.fields.ts',
  '../src/modules/members/genders.ts',
];

/**
 * True when web/dist/index.html is missing or older than any source: a file under web/src or
 * web/public, web/index.html, web/vite.config.ts, or a server file the dashboard imports.
 */
export function isWebBuildStale(webDir: string = WEB_DIR): boolean {
  const index = join(webDir, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', ...SHARED_WITH_SERVER].map((p) =>
    newestMtime(join(webDir, p)),
  );
  return Math.max(...sources) > statSync(index).mtimeMs;
}

/**
 * Builds the dashboard with Vite when its build is missing or stale, so `npm start` after a
 * `git pull` serves the current pages. Vite is imported only when a build is needed.
 */
export async function ensureWebBuild(options: EnsureWebBuildOptions = {}): Promise<EnsureWebBuildResult> {
  const webDir = options.webDir ?? WEB_DIR;
  const dist = join(webDir, 'dist');
  const started = Date.now();
  const configFile = join(webDir, 'vite.config.ts');
  if (!existsSync(configFile)) return { status: 'no-sources', dist, ms: 0 };
  if (!isWebBuildStale(webDir)) return { status: 'fresh', dist, ms: Date.now() - started };
  const { build } = await import('vite');
  await asProduction(() => build({ configFile, root: webDir, mode: 'production', logLevel: 'warn' }));
  return { status: 'built', dist, ms: Date.now() - started };
}

/**
 * Runs `work` with NODE_ENV=production. Vite and the React plugin read NODE_ENV itself, not
 * only the mode: started from a test run (NODE_ENV=test) they would bundle React's development
 * build, twice the size and slower.
 */
async function asProduction<T>(work: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await work();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
