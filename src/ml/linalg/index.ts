export {
  addGramLower,
  addToDiagonal,
  invertSpdSmall,
  type SpdKernels,
  type SquareMatrix,
  sweepLower,
} from './kernels.ts';
export { TypeScriptSpdKernels } from './typescript-kernels.ts';
export { ensureLinalgWasm, isLinalgWasmStale, LINALG_WASM } from './wasm-build.ts';
export { splitEven, splitTriangle, type WasmKernelOptions, WasmSpdKernels } from './wasm-kernels.ts';
