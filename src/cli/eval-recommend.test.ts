import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { checkOptions, registerEvalRecommend, runEvalRecommend, UsageError } from './eval-recommend.ts';

const dir = mkdtempSync(join(tmpdir(), 'membrain-eval-recommend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 60 users in two tastes (items a* and b*), 6 items each, written as chronological pairs.
const pairs: string[] = [];
for (let u = 0; u < 60; u++) {
  const taste = u % 2 ? 'b' : 'a';
  for (let s = 0; s < 6; s++) pairs.push(`u${u} ${taste}${(u + s * 2) % 9}`);
}
const pairsFile = join(dir, 'pairs.txt');
writeFileSync(pairsFile, `${pairs.join('\n')}\n`);
// The same as u.data, step s of every user at time 100·s + u, to try the time split.
const movielensFile = join(dir, 'u.data');
const timeOf = (line: number) => 100 * (line % 6) + Math.floor(line / 6);
writeFileSync(
  movielensFile,
  pairs.map((line, n) => `${line.replace(' ', '\t')}\t1\t${timeOf(n)}`).join('\n'),
);
const featuresFile = join(dir, 'features.json');
const features: Record<string, string[]> = {};
for (const t of ['a', 'b'])
  for (let i = 0; i < 9; i++) features[`${t}${i}`] = [`taste:${t}`, `shade:${i % 3}`];
writeFileSync(featuresFile, JSON.stringify(features));

describe('membrain eval recommend', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('tunes item-kNN on validation and reports test metrics as JSON fields', async () => {
    const r = await runEvalRecommend({ dataset: pairsFile, format: 'pairs', model: 'knn' });
    expect(r).toMatchObject({ model: 'knn', kind: 'item-knn', protocol: 'loo', users: 60, items: 18, k: 10 });
    expect(r.interactions).toBe(360);
    expect(r.evaluatedUsers).toBe(60);
    for (const key of ['hr@10', 'ndcg@10', 'recall@10', 'mrr@10', 'coverage', 'validationNdcg'] as const) {
      expect(r[key]).toBeGreaterThanOrEqual(0);
      expect(r[key]).toBeLessThanOrEqual(1);
    }
    expect(r['hr@10']).toBeGreaterThan(0.5); // within a taste, 10 of the user's 3 unseen items … all hit
    expect(r.candidates).toBeUndefined();
    expect(r.trainSeconds).toBeGreaterThanOrEqual(0);
    expect(r.peakRssMb).toBeGreaterThan(0);
  });

  it('lists the candidates with auto and beats popularity', async () => {
    const auto = await runEvalRecommend({ dataset: pairsFile, format: 'pairs', model: 'auto', k: '5' });
    const pop = await runEvalRecommend({ dataset: pairsFile, format: 'pairs', model: 'pop', k: '5' });
    expect(auto.candidates?.map((c) => c.kind)).toEqual(expect.arrayContaining(['popularity', 'item-knn']));
    expect(auto.validationNdcg).toBe(Math.max(...auto.candidates!.map((c) => c.validationNdcg)));
    expect(auto['ndcg@10']).toBeGreaterThan(pop['ndcg@10']);
  }, 60_000);

  it('runs the sampled and time protocols', async () => {
    const sampled = await runEvalRecommend({
      dataset: pairsFile,
      format: 'pairs',
      model: 'pop',
      protocol: 'sampled',
    });
    expect(sampled.protocol).toBe('sampled');
    expect(sampled.coverage).toBe(0);
    const time = await runEvalRecommend({
      dataset: movielensFile,
      format: 'movielens',
      model: 'knn',
      protocol: 'time',
      testFraction: '0.3',
    });
    expect(time.protocol).toBe('time');
    expect(time.evaluatedUsers).toBeGreaterThan(0);
    expect(time['recall@10']).toBeLessThanOrEqual(time['hr@10']);
  });

  it('scores with the content model from a features file', async () => {
    const r = await runEvalRecommend({
      dataset: pairsFile,
      format: 'pairs',
      model: 'content',
      features: featuresFile,
    });
    expect(r.kind).toBe('content');
    expect(r['hr@10']).toBeGreaterThan(0.5);
  });

  it('says every problem with the options at once', () => {
    const error = (() => {
      try {
        checkOptions({ format: 'csv', protocol: 'kfold', model: 'svd', k: '0', ties: 'item-id' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UsageError);
    const message = error?.message ?? '';
    for (const part of ['--dataset', '--format', '--protocol', '--model', '--k', '--ties'])
      expect(message).toContain(part);
    expect(() => checkOptions({ source: 'db', dataset: 'x' })).toThrow(/drop --dataset/);
    expect(() => checkOptions({ dataset: 'x', format: 'pairs', model: 'content' })).toThrow(/--features/);
  });

  it('exits with code 2 on bad options and prints JSON otherwise', async () => {
    const program = new Command().exitOverride();
    registerEvalRecommend(program.command('eval'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logs = vi.spyOn(console, 'log').mockImplementation(() => {});
    await program.parseAsync(['node', 'm', 'eval', 'recommend', '--dataset', pairsFile, '--format', 'xml']);
    expect(process.exitCode).toBe(2);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('--format must be one of'));
    process.exitCode = undefined;
    await program.parseAsync([
      'node',
      'm',
      'eval',
      'recommend',
      '--dataset',
      pairsFile,
      '--format',
      'pairs',
      '--model',
      'pop',
      '--json',
    ]);
    expect(process.exitCode).toBeUndefined();
    const printed = JSON.parse(logs.mock.calls.at(-1)?.[0] as string);
    expect(printed.model).toBe('pop');
    expect(Object.keys(printed)).toEqual(
      expect.arrayContaining(['hr@10', 'ndcg@10', 'trainSeconds', 'peakRssMb']),
    );
    errors.mockRestore();
    logs.mockRestore();
  });
});

describe('membrain eval recommend --source db', () => {
  it('evaluates the data the source returns, with its item features for auto', async () => {
    const records: string[][] = pairs.map((line) => line.split(' '));
    const { buildInteractions } = await import('../ml/recommend/interactions.ts');
    const data = buildInteractions(records.map(([user, item], time) => ({ user: user!, item: item!, time })));
    const itemFeatures = data.itemIds.map((id) => [`taste:${id[0]}`]);
    const source = vi.fn(async () => ({ data, itemFeatures }));
    const r = await runEvalRecommend({ source: 'db', model: 'auto' }, source);
    expect(source).toHaveBeenCalledOnce();
    expect(r.users).toBe(60);
    expect(r.candidates?.map((c) => c.kind)).toContain('content');
  }, 60_000);

  it('says so when the shop has too few events', async () => {
    const { buildInteractions } = await import('../ml/recommend/interactions.ts');
    const empty = async () => ({ data: buildInteractions([]) });
    await expect(runEvalRecommend({ source: 'db' }, empty)).rejects.toThrow(/too few item events/);
  });
});
