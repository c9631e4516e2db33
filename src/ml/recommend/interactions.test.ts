import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.ts';
import { splitLeaveOneOut } from './split.ts';

const rows = (m: { indptr: Int32Array; indices: Int32Array }, r: number) => [
  ...m.indices.subarray(m.indptr[r], m.indptr[r + 1]),
];

describe('implicit-feedback data set', () => {
  it('maps ids to dense indices in order of first appearance and keeps the ids', () => {
    const d = buildInteractions([
      { user: 'b', item: 'x' },
      { user: 'a', item: 'y' },
      { user: 'b', item: 'y' },
    ]);
    expect(d.userIds).toEqual(['b', 'a']);
    expect(d.itemIds).toEqual(['x', 'y']);
    expect(rows(d.byUser, 0)).toEqual([0, 1]);
    expect(rows(d.byItem, 1)).toEqual([0, 1]);
  });

  it('merges duplicate pairs by summing weights and keeping the latest time', () => {
    const d = buildInteractions([
      { user: 'u', item: 'x', time: 5, weight: 2 },
      { user: 'u', item: 'y', time: 3 },
      { user: 'u', item: 'x', time: 1, weight: 0.5 },
    ]);
    expect(d.byUser.indices.length).toBe(2);
    expect(rows(d.byUser, 0)).toEqual([1, 0]);
    expect([...d.byUser.weights]).toEqual([1, 2.5]);
    expect([...d.byUser.times]).toEqual([3, 5]);
    expect([...d.byItem.weights]).toEqual([2.5, 1]);
  });

  it('orders each user row by time, then by input order', () => {
    const d = buildInteractions([
      { user: 'u', item: 'a', time: 2 },
      { user: 'u', item: 'b', time: 1 },
      { user: 'u', item: 'c', time: 2 },
    ]);
    expect(rows(d.byUser, 0)).toEqual([1, 0, 2]);
  });
});

describe('leave-one-out split', () => {
  const d = buildInteractions([
    { user: 'one', item: 'a' },
    { user: 'two', item: 'a', time: 10 },
    { user: 'two', item: 'b', time: 10 },
    { user: 'three', item: 'c', time: 1 },
    { user: 'three', item: 'a', time: 3 },
    { user: 'three', item: 'b', time: 2 },
  ]);

  it('holds out each user’s last item, ties broken by input order', () => {
    const split = splitLeaveOneOut(d);
    expect([...split.test]).toEqual([-1, 1, 0]);
    expect(rows(split.train.byUser, 0)).toEqual([0]);
    expect(rows(split.train.byUser, 1)).toEqual([0]);
    expect(rows(split.train.byUser, 2)).toEqual([2, 1]);
    expect(split.train.nItems).toBe(3);
    expect(split.validation).toBeUndefined();
  });

  it('keeps users with fewer than two interactions in training only', () => {
    const split = splitLeaveOneOut(d);
    expect(split.test[0]).toBe(-1);
    expect(split.train.byUser.indptr[1]).toBe(1);
  });

  it('holds out the second-to-last item as validation when asked, only for users with three or more', () => {
    const split = splitLeaveOneOut(d, { validation: true });
    expect([...(split.validation?.target ?? [])]).toEqual([-1, -1, 1]);
    expect(rows(split.validation!.train.byUser, 2)).toEqual([2]);
    expect(rows(split.validation!.train.byUser, 1)).toEqual([0]);
  });

  it('is deterministic', () => {
    const a = splitLeaveOneOut(d, { validation: true });
    const b = splitLeaveOneOut(d, { validation: true });
    expect(a).toEqual(b);
  });
});
