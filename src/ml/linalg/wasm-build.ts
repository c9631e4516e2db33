import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The AssemblyScript sources of the dense kernels. */
export const ASSEMBLY_DIR = fileURLToPath(new URL('./assembly', import.meta.url));
/** Where the compiled module goes: dist/ at the repository root is git-ignored. */
export const LINALG_WASM = fileURLToPath(new URL('../../../dist/wasm/linalg.wasm', import.meta.url));

/** asc flags: SIMD and threads on; memory imported and shared, so worker threads can share it. */
const ASC_FLAGS = [
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--enable',
  'simd,threads',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
];

function newestSource(): number {
  let newest = 0;
  for (const file of readdirSync(ASSEMBLY_DIR))
    newest = Math.max(newest, statSync(join(ASSEMBLY_DIR, file)).mtimeMs);
  return newest;
}

/** True when the compiled module is missing or older than a source file. */
export function isLinalgWasmStale(): boolean {
  return !existsSync(LINALG_WASM) || statSync(LINALG_WASM).mtimeMs < newestSource();
}

/**
 * Compiles the kernels with the project's own `assemblyscript` when the module is missing or
 * stale (first use after a clone or a change), like the dashboard build: no binary is committed
 * and no system toolchain is needed. Synchronous, because model `fit`s are. Returns the path.
 */
export function ensureLinalgWasm(): string {
  if (!isLinalgWasmStale()) return LINALG_WASM;
  let asc: string;
  try {
    asc = join(
      dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')),
      'bin',
      'asc.js',
    );
  } catch {
    throw new Error(
      `the WASM kernels are not built (${LINALG_WASM}) and the assemblyscript package is not installed: run npm ci`,
    );
  }
  mkdirSync(dirname(LINALG_WASM), { recursive: true });
  // Build beside the target and rename: parallel test processes may build at the same time.
  const temporary = `${LINALG_WASM}.${process.pid}.tmp`;
  execFileSync(process.execPath, [asc, join(ASSEMBLY_DIR, 'spd.ts'), '-o', temporary, ...ASC_FLAGS], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  renameSync(temporary, LINALG_WASM);
  return LINALG_WASM;
}
