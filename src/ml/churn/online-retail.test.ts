import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDate, parseTransactions } from '../clv/index.ts';
import { evaluateChurn } from './evaluate.ts';

// ../shared/BENCHMARKS.md: Online Retail, calibration to 2011-09-09, churn = no purchase in the holdout.
const datasets = process.env.MEMBRAIN_DATASETS;
if (!datasets)
  console.warn('Online Retail churn benchmark skipped: set MEMBRAIN_DATASETS to the benchmark data folder');

describe.skipIf(!datasets)('Online Retail churn AUC (MEMBRAIN_DATASETS unset: skipped)', () => {
  it('the GBDT trained on the earlier split beats random and the P(alive) baseline', {
    timeout: 180_000,
  }, () => {
    const text = readFileSync(join(datasets as string, 'online-retail', 'invoices.csv'), 'utf8');
    const result = evaluateChurn(parseTransactions(text), {
      calibrationEnd: parseDate('2011-09-09'),
      holdoutEnd: parseDate('2011-12-09'),
    });
    expect(result.test.customers).toBe(3370);
    expect(result.train.holdoutEnd).toBe('2011-09-09');
    expect(result.auc).toBeGreaterThan(0.68);
    expect(result.auc).toBeLessThan(0.9);
    expect(result.auc).toBeGreaterThan(result.pAliveAuc);
    for (const auc of [result.pAliveAuc, result.expectedPurchasesAuc]) {
      expect(auc).toBeGreaterThan(0.2);
      expect(auc).toBeLessThan(0.9);
    }
  });
});
