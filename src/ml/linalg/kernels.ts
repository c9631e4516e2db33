import type { Csr } from '../recommend/interactions.ts';

/**
 * A dense square matrix, row-major with row stride `stride` ≥ `n`. Entries past `n` (padding) are
 * the identity and stay so; callers read and write only rows and columns below `n`.
 */
export interface SquareMatrix {
  readonly n: number;
  readonly stride: number;
  readonly data: Float32Array | Float64Array;
}

/** The dense kernels models call when a dense step dominates their training time. */
export interface SpdKernels {
  /** `wasm` (AssemblyScript, SIMD, threads) or `typescript` (plain loops, the reference). */
  readonly name: string;
  /** A zero n × n matrix in memory these kernels can work on. */
  allocate(n: number): SquareMatrix;
  /**
   * Replaces a symmetric positive-definite matrix by its inverse, in place. Only the lower
   * triangle (j ≤ i) is read; both triangles of the result are written.
   */
  invertSpd(m: SquareMatrix): void;
  /** m(i, j) *= scale[j] for every i, j < n. */
  scaleColumns(m: SquareMatrix, scale: Float32Array): void;
  /** Releases threads (the matrix stays readable while referenced). */
  close(): void;
}

/**
 * Adds XᵀX to the lower triangle of `m`, X being the users × items matrix whose rows are `byUser`
 * (0/1 entries, or the weights when `weighted`). Cost: Σ over users of (row length)².
 */
export function addGramLower(m: SquareMatrix, byUser: Csr, weighted = false): void {
  const { indptr, indices, weights } = byUser;
  const { data, stride } = m;
  const nRows = indptr.length - 1;
  for (let u = 0; u < nRows; u++) {
    const start = indptr[u]!;
    const end = indptr[u + 1]!;
    for (let p = start; p < end; p++) {
      const a = indices[p]!;
      const wa = weighted ? weights[p]! : 1;
      for (let q = start; q < end; q++) {
        const b = indices[q]!;
        if (b <= a) data[a * stride + b]! += wa * (weighted ? weights[q]! : 1);
      }
    }
  }
}

/** Adds `value` to the first n diagonal entries. */
export function addToDiagonal(m: SquareMatrix, value: number): void {
  for (let i = 0; i < m.n; i++) m.data[i * m.stride + i]! += value;
}

/**
 * Inverts a small symmetric positive-definite matrix (row-major, n × n, lower triangle read) in
 * float64 by the symmetric sweep; returns the full inverse. Used for the diagonal blocks of the
 * blocked kernels and by the reference implementation.
 */
export function invertSpdSmall(a: ArrayLike<number>, n: number, stride = n): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) s[i * n + j] = a[i * stride + j]!;
  sweepLower(s, n, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      out[i * n + j] = -s[i * n + j]!;
      out[j * n + i] = -s[i * n + j]!;
    }
  }
  return out;
}

/**
 * The symmetric sweep operator over all pivots, on the lower triangle: afterwards the lower
 * triangle holds −A⁻¹. With A positive definite every pivot is the (positive) Schur complement,
 * so no pivoting is needed; n³ flops, half of Gauss–Jordan's, because only j ≤ i is updated.
 */
export function sweepLower(s: Float32Array | Float64Array, n: number, stride: number): void {
  for (let k = 0; k < n; k++) {
    const pivot = s[k * stride + k]!;
    if (!(pivot > 0)) throw new Error(`matrix is not positive definite (pivot ${k} is ${pivot})`);
    const inv = 1 / pivot;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const sik = i > k ? s[i * stride + k]! : s[k * stride + i]!;
      if (sik === 0) continue;
      const f = sik * inv;
      const row = i * stride;
      const below = Math.min(i + 1, k);
      for (let j = 0; j < below; j++) s[row + j]! -= f * s[k * stride + j]!;
      for (let j = k + 1; j <= i; j++) s[row + j]! -= f * s[j * stride + k]!;
    }
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      if (i > k) s[i * stride + k]! *= inv;
      else s[k * stride + i]! *= inv;
    }
    s[k * stride + k] = -inv;
  }
}
