import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInteractions } from './datasets.ts';
import { splitLeaveOneOut } from './split.ts';

const dir = mkdtempSync(join(tmpdir(), 'membrain-recommend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('data set loaders', () => {
  it('reads pairs in line order as time order', async () => {
    const d = await loadInteractions(file('p.txt', 'u1 a\nu2 b\n\nu1 b\nu1 a\n'), 'pairs');
    expect(d.userIds).toEqual(['u1', 'u2']);
    expect(d.itemIds).toEqual(['a', 'b']);
    // u1's repeated 'a' is merged and takes the later time, so 'a' is u1's last item.
    expect([...splitLeaveOneOut(d).test]).toEqual([0, -1]);
    expect([...d.byUser.weights.subarray(0, 2)]).toEqual([1, 2]);
  });

  it('reads lines of one user followed by items in order', async () => {
    const d = await loadInteractions(file('l.txt', '1 1 2 3\n2 4 1\n'), 'lines');
    expect(d.nUsers).toBe(2);
    expect(d.nItems).toBe(4);
    expect([...splitLeaveOneOut(d).test]).toEqual([2, 0]);
  });

  it('reads MovieLens ratings with their timestamps, ties in file order or by item id', async () => {
    const path = file('u.data', '1\t30\t5\t100\n1\t20\t3\t100\n1\t10\t1\t50\n');
    const byFile = await loadInteractions(path, 'movielens');
    expect(byFile.itemIds[splitLeaveOneOut(byFile).test[0]!]).toBe('20');
    expect([...byFile.byUser.times]).toEqual([50, 100, 100]);
    const byId = await loadInteractions(path, 'movielens', { ties: 'item-id' });
    expect(byId.itemIds[splitLeaveOneOut(byId).test[0]!]).toBe('30');
  });

  it('rejects malformed lines with their position', async () => {
    await expect(loadInteractions(file('bad.data', '1\t2\t3\n'), 'movielens')).rejects.toThrow(/bad.data:1/);
    await expect(loadInteractions(file('bad.txt', 'lonely\n'), 'pairs')).rejects.toThrow(/bad.txt:1/);
  });
});
