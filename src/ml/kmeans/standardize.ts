import type { Matrix } from './matrix.ts';

/** Per-column mean and population standard deviation, ignoring NaN (missing) entries. */
export interface ColumnStats {
  means: Float64Array;
  stds: Float64Array;
  /** Non-missing entries per column. */
  counts: Float64Array;
}

/** Column means and standard deviations in one pass (Welford, so large values stay exact). */
export function columnStats(m: Matrix): ColumnStats {
  const means = new Float64Array(m.cols);
  const m2 = new Float64Array(m.cols);
  const counts = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const x = m.data[i * m.cols + j] as number;
      if (Number.isNaN(x)) continue;
      const n = (counts[j] as number) + 1;
      counts[j] = n;
      const delta = x - (means[j] as number);
      means[j] = (means[j] as number) + delta / n;
      m2[j] = (m2[j] as number) + delta * (x - (means[j] as number));
    }
  }
  const stds = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) {
    const n = counts[j] as number;
    stds[j] = n > 0 ? Math.sqrt((m2[j] as number) / n) : 0;
  }
  return { means, stds, counts };
}

/**
 * Z-scores `m` in place with the given means and deviations. Missing entries (NaN) become 0,
 * i.e. the column's mean: a member without a value is treated as typical for that feature.
 */
export function standardizeInPlace(m: Matrix, means: ArrayLike<number>, stds: ArrayLike<number>): Matrix {
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const k = i * m.cols + j;
      const x = m.data[k] as number;
      const sd = stds[j] as number;
      m.data[k] = Number.isNaN(x) || sd === 0 ? 0 : (x - (means[j] as number)) / sd;
    }
  }
  return m;
}

/** Columns whose deviation is above `epsilon` (constant columns carry no information). */
export function informativeColumns(stds: ArrayLike<number>, epsilon = 1e-12): number[] {
  const keep: number[] = [];
  for (let j = 0; j < stds.length; j++) if ((stds[j] as number) > epsilon) keep.push(j);
  return keep;
}

/** The listed columns of `m`, in that order. */
export function selectColumns(m: Matrix, columns: readonly number[]): Matrix {
  const out = new Float64Array(m.rows * columns.length);
  for (let i = 0; i < m.rows; i++)
    for (let c = 0; c < columns.length; c++)
      out[i * columns.length + c] = m.data[i * m.cols + (columns[c] as number)] as number;
  return { data: out, rows: m.rows, cols: columns.length };
}
