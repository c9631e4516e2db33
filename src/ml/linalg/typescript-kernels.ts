import { type SpdKernels, type SquareMatrix, sweepLower } from './kernels.ts';

/**
 * The plain TypeScript kernels: the reference the WASM kernels are tested against (float64 for
 * accuracy checks) and the baseline of the kernel benchmark (float32).
 */
export class TypeScriptSpdKernels implements SpdKernels {
  readonly name = 'typescript';

  constructor(private readonly precision: 'f32' | 'f64' = 'f64') {}

  allocate(n: number): SquareMatrix {
    const data = this.precision === 'f32' ? new Float32Array(n * n) : new Float64Array(n * n);
    return { n, stride: n, data };
  }

  invertSpd(m: SquareMatrix): void {
    const { data: s, n, stride } = m;
    sweepLower(s, n, stride);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const value = -s[i * stride + j]!;
        s[i * stride + j] = value;
        s[j * stride + i] = value;
      }
      s[i * stride + i] = -s[i * stride + i]!;
    }
  }

  scaleColumns(m: SquareMatrix, scale: Float32Array): void {
    for (let i = 0; i < m.n; i++) {
      const row = i * m.stride;
      for (let j = 0; j < m.n; j++) m.data[row + j]! *= scale[j]!;
    }
  }

  close(): void {}
}
