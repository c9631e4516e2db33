import { topK } from '../recommend/top-k.ts';
import type { SquareMatrix } from './kernels.ts';

/** A sparse matrix by rows: row r holds columns `indices[indptr[r]..indptr[r+1])`, ascending. */
export interface SparseRows {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

const COLUMN_BLOCK = 16;

/**
 * Keeps, in every column of a dense square matrix, the `keep` entries largest in magnitude (the
 * diagonal excluded; ties to the lower row), and returns them by rows. Columns are read 16 at a
 * time so each row's cache line serves 16 columns instead of one.
 */
export function keepTopPerColumn(m: SquareMatrix, keep: number): SparseRows {
  const { n, stride, data } = m;
  const kept: Int32Array[] = [];
  const magnitudes = new Float32Array(COLUMN_BLOCK * n);
  for (let j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
    const width = Math.min(COLUMN_BLOCK, n - j0);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < width; c++) magnitudes[c * n + i] = Math.abs(data[i * stride + j0 + c]!);
    }
    for (let c = 0; c < width; c++) {
      const column = magnitudes.subarray(c * n, (c + 1) * n);
      column[j0 + c] = Number.NaN; // topK leaves NaN out: never the diagonal
      kept.push(topK(column, keep));
    }
  }
  return byRows(m, kept);
}

function byRows(m: SquareMatrix, kept: Int32Array[]): SparseRows {
  const { n, stride, data } = m;
  const indptr = new Int32Array(n + 1);
  for (const rows of kept) for (const i of rows) indptr[i + 1]! += 1;
  for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
  const next = indptr.slice(0, n);
  const indices = new Int32Array(indptr[n]!);
  const values = new Float32Array(indptr[n]!);
  for (let j = 0; j < n; j++) {
    for (const i of kept[j]!) {
      const at = next[i]!++;
      indices[at] = j;
      values[at] = data[i * stride + j]!;
    }
  }
  return { indptr, indices, values };
}
