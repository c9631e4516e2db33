// `npm run build:wasm`: compiles the dense kernels ahead of first use (for example before
// pruning devDependencies, which holds the compiler). Models build them on first use anyway.
import { ensureLinalgWasm, isLinalgWasmStale } from './wasm-build.ts';

const stale = isLinalgWasmStale();
const path = ensureLinalgWasm();
console.log(stale ? `built ${path}` : `${path} is up to date`);
