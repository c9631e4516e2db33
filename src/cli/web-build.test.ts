import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureWebBuild, isWebBuildStale } from './web-build.ts';

const dirs: string[] = [];

/** A minimal dashboard project: index.html, one module under src/, a config with no imports. */
function makeWebDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'membrain-webbuild-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><body><script type="module" src="/src/main.ts"></script></body></html>',
  );
  writeFileSync(
    join(dir, 'src', 'main.ts'),
    [
      'document.body.dataset.greeting = "hello from the test";',
      // What React does: development-only code behind NODE_ENV, dropped from a production build.
      'if (process.env.NODE_ENV !== "production") console.log("development build");',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'vite.config.ts'), "export default { build: { outDir: 'dist' } };\n");
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

/** Sets a file's modification time `seconds` from now. */
function touch(path: string, seconds: number): void {
  const at = new Date(Date.now() + seconds * 1000);
  utimesSync(path, at, at);
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('deciding whether the dashboard needs a build', () => {
  it('is stale when there is no build', () => {
    expect(isWebBuildStale(makeWebDir())).toBe(true);
  });

  it('is fresh when the build is newer than every source, stale once any source is newer', () => {
    const dir = makeWebDir();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html>');
    for (const file of ['index.html', 'vite.config.ts', 'src/main.ts', 'src']) touch(join(dir, file), -60);
    touch(join(dir, 'dist', 'index.html'), -10);
    expect(isWebBuildStale(dir)).toBe(false);

    touch(join(dir, 'src', 'main.ts'), 0);
    expect(isWebBuildStale(dir)).toBe(true);
    touch(join(dir, 'src', 'main.ts'), -60);
    touch(join(dir, 'vite.config.ts'), 0);
    expect(isWebBuildStale(dir)).toBe(true);
  });

  it('notices a new file in a nested source folder', () => {
    const dir = makeWebDir();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html>');
    for (const file of ['index.html', 'vite.config.ts', 'src/main.ts', 'src']) touch(join(dir, file), -60);
    touch(join(dir, 'dist', 'index.html'), -10);
    expect(isWebBuildStale(dir)).toBe(false);
    mkdirSync(join(dir, 'src', 'pages'));
    writeFileSync(join(dir, 'src', 'pages', 'new.tsx'), 'export {};\n');
    expect(isWebBuildStale(dir)).toBe(true);
  });
});

describe('building the dashboard when needed', () => {
  it('reports an installation without dashboard sources and builds nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'membrain-webbuild-none-'));
    dirs.push(dir);
    const result = await ensureWebBuild({ webDir: dir });
    expect(result.status).toBe('no-sources');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('builds a missing dashboard with Vite for production, then leaves a fresh build alone', async () => {
    const dir = makeWebDir();
    const first = await ensureWebBuild({ webDir: dir });
    expect(first.status).toBe('built');
    const html = readFileSync(join(dir, 'dist', 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    const bundle = readdirSync(join(dir, 'dist', 'assets'))
      .map((name) => readFileSync(join(dir, 'dist', 'assets', name), 'utf8'))
      .join('\n');
    expect(bundle).toContain('hello from the test');
    // Vitest runs with NODE_ENV=test; the build must still be a production one.
    expect(process.env.NODE_ENV).toBe('test');
    expect(bundle).not.toContain('development build');

    const second = await ensureWebBuild({ webDir: dir });
    expect(second.status).toBe('fresh');
  }, 60_000);
});
