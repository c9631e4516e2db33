import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvalClv } from './eval.command.ts';

const files: Record<string, string> = {
  'summary.csv':
    'ID,x,t_x,T,zbar\n1,2,30,39,20\n2,0,0,39,0\n3,5,35,39,12\n4,1,3,39,40\n5,0,0,30,0\n6,3,20,35,25\n',
  'tx.csv': 'id,date,amount\na,2024-01-01,10\na,2024-01-15,20\nb,2024-01-03,5\na,2024-03-01,30\n',
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`no file ${path}`);
  return text;
};

describe('runEvalClv', () => {
  it('fits each model to a summary and reports params and log-likelihood', () => {
    const bg = runEvalClv({ model: 'bgnbd', summary: 'summary.csv' }, readFile);
    expect(Object.keys(bg.params)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(bg.logLikelihood).toBeLessThan(0);
    const gg = runEvalClv({ model: 'gamma-gamma', summary: 'summary.csv' }, readFile);
    expect(gg.customers).toBe(4);
    expect(Object.keys(gg.params)).toEqual(['p', 'q', 'gamma']);
  });

  it('builds the summary from transactions and evaluates a holdout', () => {
    const result = runEvalClv(
      { model: 'bgnbd', transactions: 'tx.csv', calibrationEnd: '2024-01-31', holdout: '2024-03-31' },
      readFile,
    );
    expect(result.customers).toBe(2);
    expect(result.holdout?.actualTotal).toBe(1);
    expect(result.holdout?.length).toBeCloseTo(60 / 7, 10);
  });

  it('rejects inconsistent options', () => {
    expect(() => runEvalClv({ model: 'bgnbd' }, readFile)).toThrow(/exactly one/);
    expect(() => runEvalClv({ model: 'bgnbd', transactions: 'tx.csv' }, readFile)).toThrow(/calibration-end/);
    expect(() => runEvalClv({ model: 'x' as never, summary: 'summary.csv' }, readFile)).toThrow(/--model/);
    expect(() =>
      runEvalClv({ model: 'bgnbd', summary: 'summary.csv', holdout: '2024-01-01' }, readFile),
    ).toThrow(/--holdout needs/);
  });
});

const datasets = process.env.MEMBRAIN_DATASETS;
describe.skipIf(!datasets)('membrain eval clv on CDNOW (MEMBRAIN_DATASETS unset: skipped)', () => {
  it('prints the BG/NBD anchor from the summary file', () => {
    const result = runEvalClv(
      { model: 'bgnbd', summary: join(datasets as string, 'cdnow', 'cdnow_customers_summary.csv') },
      (path) => readFileSync(path, 'utf8'),
    );
    expect(result.customers).toBe(2357);
    expect(Math.abs(result.logLikelihood - -9582.43)).toBeLessThan(0.01);
  });
});
