import { describe, expect, it, vi } from 'vitest';
import { gaussianBlobs } from '../../ml/kmeans/index.ts';
import { fitStandardised } from './clusters.fit.ts';
import { fitOffThread } from './clusters.fit-thread.ts';

describe('fitting off the event loop', () => {
  it('gets from the worker thread exactly what the main thread computes', async () => {
    const { x } = gaussianBlobs(600, 5, 3, { sd: 0.5, minSeparation: 5, seed: 2 });
    const warn = vi.fn();
    const offThread = await fitOffThread(x, undefined, 7, { warn });
    expect(warn).not.toHaveBeenCalled();
    expect(offThread).toEqual(fitStandardised(x, undefined, 7));
    expect(offThread.k).toBe(3);
  });

  it('uses the k it is given, with the largest cluster first', async () => {
    const { x } = gaussianBlobs(300, 3, 4, { seed: 4 });
    const fit = await fitOffThread(x, 4, 1, { warn: vi.fn() });
    expect(fit.centroids).toHaveLength(4);
    expect(fit.silhouettes).toEqual({});
  });
});
