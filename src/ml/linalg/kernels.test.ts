import { describe, expect, it } from 'vitest';
import { addGramLower, addToDiagonal, invertSpdSmall, type SquareMatrix, sweepLower } from './kernels.ts';
import { keepTopPerColumn } from './sparse-columns.ts';
import { TypeScriptSpdKernels } from './typescript-kernels.ts';
import { splitTriangle, WasmSpdKernels } from './wasm-kernels.ts';

/** A random symmetric positive-definite matrix M Mᵀ / n + shift·I, seeded. */
function randomSpd(n: number, seed: number, shift = 0.5): Float64Array {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const m = Float64Array.from({ length: n * n }, next);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[i * n + k]! * m[j * n + k]!;
      a[i * n + j] = s / n + (i === j ? shift : 0);
      a[j * n + i] = a[i * n + j]!;
    }
  }
  return a;
}

function fill(m: SquareMatrix, a: Float64Array): void {
  for (let i = 0; i < m.n; i++) for (let j = 0; j < m.n; j++) m.data[i * m.stride + j] = a[i * m.n + j]!;
}

/** max |A·X − I| over all entries. */
function residual(a: Float64Array, x: SquareMatrix): number {
  const { n, stride, data } = x;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * data[k * stride + j]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('symmetric sweep inverse (plain TypeScript reference)', () => {
  it('inverts a 2 × 2 matrix to the hand-computed answer', () => {
    // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8; the sweep leaves minus that in the lower triangle.
    const s = new Float64Array([4, 0, 2, 3]);
    sweepLower(s, 2, 2);
    expect([s[0], s[2], s[3]]).toEqual([-3 / 8, 2 / 8, -4 / 8]);
  });

  it('gives an inverse whose product with the matrix is the identity', () => {
    const a = randomSpd(37, 7);
    const kernels = new TypeScriptSpdKernels('f64');
    const m = kernels.allocate(37);
    fill(m, a);
    kernels.invertSpd(m);
    expect(residual(a, m)).toBeLessThan(1e-10);
    expect(m.data[3 * 37 + 5]).toBe(m.data[5 * 37 + 3]);
  });

  it('inverts small blocks in float64 the same way', () => {
    const a = randomSpd(9, 3);
    const inverse = invertSpdSmall(a, 9);
    expect(residual(a, { n: 9, stride: 9, data: inverse })).toBeLessThan(1e-12);
  });

  it('refuses a matrix that is not positive definite', () => {
    const s = new Float64Array([1, 0, 2, 1]); // [[1, 2], [2, 1]] has eigenvalue −1
    expect(() => sweepLower(s, 2, 2)).toThrow(/positive definite/);
  });
});

describe('WASM SIMD kernels against the TypeScript reference', () => {
  for (const [n, blockSize, threads] of [
    [5, 128, 1],
    [61, 16, 1],
    [530, 64, 2],
    [203, 128, 1],
  ] as const) {
    it(`agree on the inverse of a ${n} × ${n} matrix (block ${blockSize}, ${threads} thread(s))`, () => {
      const a = randomSpd(n, n);
      const reference = new TypeScriptSpdKernels('f64');
      const expected = reference.allocate(n);
      fill(expected, a);
      reference.invertSpd(expected);
      const kernels = new WasmSpdKernels({ blockSize, threads });
      const m = kernels.allocate(n);
      fill(m, a);
      kernels.invertSpd(m);
      let worst = 0;
      let largest = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          worst = Math.max(worst, Math.abs(m.data[i * m.stride + j]! - expected.data[i * n + j]!));
          largest = Math.max(largest, Math.abs(expected.data[i * n + j]!));
        }
      }
      expect(worst / largest).toBeLessThan(1e-5);
      expect(residual(a, m)).toBeLessThan(1e-4);
    });
  }

  it('scale columns like the reference, padding untouched', () => {
    const n = 13;
    const a = randomSpd(n, 1);
    const scale = Float32Array.from({ length: n }, (_, j) => j - 6);
    const kernels = new WasmSpdKernels({ threads: 2 });
    const m = kernels.allocate(n);
    fill(m, a);
    kernels.scaleColumns(m, scale);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(m.data[i * m.stride + j]).toBeCloseTo(a[i * n + j]! * (j - 6), 5);
    }
    expect(m.stride).toBe(16);
    expect(m.data[15 * 16 + 15]).toBe(1);
  });

  it('refuses a matrix that needs more than 4 GiB', () => {
    expect(() => new WasmSpdKernels().allocate(40_000)).toThrow(/4 GiB/);
  });
});

describe('Gram matrix, splits and sparse columns', () => {
  it('adds XᵀX of 0/1 rows to the lower triangle', () => {
    // users: {0, 1}, {1, 2}, {1}
    const byUser = {
      indptr: Int32Array.from([0, 2, 4, 5]),
      indices: Int32Array.from([0, 1, 2, 1, 1]),
      weights: new Float32Array(5).fill(2),
      times: new Float64Array(5),
    };
    const m = new TypeScriptSpdKernels('f64').allocate(3);
    addGramLower(m, byUser);
    addToDiagonal(m, 10);
    expect(Array.from(m.data)).toEqual([11, 0, 0, 1, 13, 0, 0, 1, 11]);
    const weighted = new TypeScriptSpdKernels('f64').allocate(3);
    addGramLower(weighted, byUser, true);
    expect(weighted.data[1 * 3 + 1]).toBe(12);
  });

  it('splits the lower triangle into parts of about equal area at multiples of 32', () => {
    const [first, second] = splitTriangle(1000, 2);
    expect(first).toEqual([0, 704]);
    expect(second).toEqual([704, 1000]);
    expect(splitTriangle(40, 1)).toEqual([[0, 40]]);
  });

  it('keeps the largest entries of each column by magnitude, never the diagonal, by rows', () => {
    const data = Float32Array.from([9, 1, -5, 2, 9, 3, -4, 0.5, 9]);
    const rows = keepTopPerColumn({ n: 3, stride: 3, data }, 1);
    // column 0: rows 1 (2), 2 (−4) → row 2; column 1: rows 0 (1), 2 (0.5) → row 0; column 2: rows 0 (−5), 1 (3) → row 0
    expect(Array.from(rows.indptr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(rows.indices)).toEqual([1, 2, 0]);
    expect(Array.from(rows.values)).toEqual([1, -5, -4]);
  });
});
