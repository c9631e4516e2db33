import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the dashboard (web/dist at the repository root). */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the server answers itself; the dashboard's fallback never shadows them. */
const SERVER_PREFIXES = ['/v1', '/docs', '/metrics', '/openapi.json', '/healthz', '/readyz'];

/** Vite names every file under assets/ by its content hash, so they never change in place. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: browsers must revalidate it on every load. */
const REVALIDATE = 'no-cache';

/** True when `dist` holds a built dashboard. */
export function hasWebBuild(dist: string): boolean {
  return existsSync(join(dist, 'index.html'));
}

function isServerPath(pathname: string): boolean {
  return SERVER_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** The path of a file under `dist` that `pathname` names, or null (never outside `dist`). */
function builtFile(dist: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const file = resolve(dist, `.${decoded}`);
  if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
  return relative(dist, file);
}

/** A browser navigating (not a script or an API client) asks for HTML. */
function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the built dashboard at `/`: its files as they are (hashed assets cached for a year,
 * everything else revalidated), and index.html for any other page a browser navigates to, so
 * client-side routes such as /members/42 survive a reload. API paths keep their JSON 404.
 */
export async function registerWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  const dist = resolve(webDist);
  const assets = join(dist, 'assets') + sep;
  await app.register(fastifyStatic, {
    root: dist,
    // One route per built file: a wildcard route would swallow the SPA fallback below.
    wildcard: false,
    cacheControl: false,
    schemaHide: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (isServerPath(pathname)) return reply.callNotFound();
    // A file written by a rebuild after start-up has no route of its own yet.
    const file = builtFile(dist, pathname);
    if (file) return reply.sendFile(file);
    if (wantsHtml(request)) return reply.sendFile('index.html');
    return reply.callNotFound();
  });
}
