// The project compiles against lib ES2023 without the DOM, and @types/node declares only part of
// the WebAssembly namespace; these are the few pieces the kernels use.

/** A compiled WebAssembly module (structured-cloneable to worker threads). */
export type WasmModule = object & { readonly __wasmModule?: never };

/** A WebAssembly memory; shared, so its buffer is a SharedArrayBuffer. */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}

/** An instantiated module. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The runtime's WebAssembly object, typed. */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
