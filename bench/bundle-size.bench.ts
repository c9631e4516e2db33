// Dashboard weight: what a browser downloads on first load (index.html and the entry script,
// stylesheets and modulepreload links it names), gzip-compressed at level 9 as a server or CDN
// would send it, next to the total of every built asset (chunks loaded later included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuild } from '../src/cli/web-build.ts';
import { report } from './lib/report.ts';

interface Sized {
  file: string;
  bytes: number;
  gzipBytes: number;
}

function sizeOf(dist: string, path: string): Sized {
  const content = readFileSync(path);
  return {
    file: relative(dist, path),
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
  };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Local URLs of the scripts, stylesheets and module preloads index.html makes the browser fetch. */
function firstLoadUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script');
    const rel = tag.match(/\brel="([^"]+)"/)?.[1] ?? '';
    if (!isScript && rel !== 'stylesheet' && rel !== 'modulepreload') continue;
    const url = tag.match(isScript ? /\bsrc="([^"]+)"/ : /\bhref="([^"]+)"/)?.[1];
    if (url && !/^(https?:)?\/\//.test(url)) urls.add(url.replace(/^\//, ''));
  }
  return [...urls];
}

const kb = (bytes: number): number => Number((bytes / 1024).toFixed(1));

const built = await ensureWebBuild();
if (built.status === 'no-sources') throw new Error('web/ is missing: nothing to measure');
const dist = built.dist;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const firstLoad = [
  sizeOf(dist, join(dist, 'index.html')),
  ...firstLoadUrls(html).map((u) => sizeOf(dist, join(dist, u))),
];
const assets = filesUnder(join(dist, 'assets')).map((path) => sizeOf(dist, path));
const firstLoadFiles = new Set(firstLoad.map((s) => s.file));
const later = assets.filter((s) => !firstLoadFiles.has(s.file));
const sum = (list: Sized[], key: 'bytes' | 'gzipBytes') => list.reduce((total, s) => total + s[key], 0);

const rows = [
  ...firstLoad.map((s) => ({ what: 'first load', file: s.file, KiB: kb(s.bytes), gzipKiB: kb(s.gzipBytes) })),
  {
    what: 'first load total',
    file: `${firstLoad.length} files`,
    KiB: kb(sum(firstLoad, 'bytes')),
    gzipKiB: kb(sum(firstLoad, 'gzipBytes')),
  },
  {
    what: 'loaded later (lazy chunks)',
    file: `${later.length} files`,
    KiB: kb(sum(later, 'bytes')),
    gzipKiB: kb(sum(later, 'gzipBytes')),
  },
  {
    what: 'all assets',
    file: `${assets.length} files`,
    KiB: kb(sum(assets, 'bytes')),
    gzipKiB: kb(sum(assets, 'gzipBytes')),
  },
];
report('bundle-size', rows, {
  gzipLevel: 9,
  firstLoadGzipBytes: sum(firstLoad, 'gzipBytes'),
  allAssetsGzipBytes: sum(assets, 'gzipBytes'),
  assets: assets.map((s) => ({ file: s.file, bytes: s.bytes, gzipBytes: s.gzipBytes })),
});
