/** A dense row-major matrix: row i, column j at `data[i * cols + j]`. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** A zero-filled rows × cols matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return { data: new Float64Array(rows * cols), rows, cols };
}

/** A matrix from nested arrays (tests and small inputs). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = zeros(rows.length, cols);
  rows.forEach((row, i) => {
    m.data.set(row, i * cols);
  });
  return m;
}

/** The rows listed in `indices`, copied into a new matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = zeros(indices.length, m.cols);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
  }
  return out;
}

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (same column count). */
export function squaredDistance(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  cols: number,
): number {
  let sum = 0;
  const ai = i * cols;
  const bj = j * cols;
  for (let c = 0; c < cols; c++) {
    const d = (a[ai + c] as number) - (b[bj + c] as number);
    sum += d * d;
  }
  return sum;
}
