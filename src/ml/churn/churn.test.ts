import { describe, expect, it } from 'vitest';
import type { Transaction } from '../clv/index.ts';
import { parseDate, parseTransactions } from '../clv/index.ts';
import { evaluateChurn } from './evaluate.ts';
import { buildChurnFrame, FEATURE_NAMES } from './features.ts';

const day = (iso: string) => parseDate(iso);
const col = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

// a: buys through calibration and in the holdout; b: buys only early (churns); c: one purchase, comes back.
const base: Transaction[] = [
  { customerId: 'a', time: day('2024-01-01'), amount: 10 },
  { customerId: 'a', time: day('2024-01-11'), amount: 20 },
  { customerId: 'a', time: day('2024-01-31'), amount: 30 },
  { customerId: 'a', time: day('2024-03-20'), amount: 5 },
  { customerId: 'b', time: day('2024-01-02'), amount: 8 },
  { customerId: 'b', time: day('2024-01-09'), amount: 8 },
  { customerId: 'c', time: day('2024-02-20'), amount: 50 },
  { customerId: 'c', time: day('2024-04-01'), amount: 50 },
  { customerId: 'd', time: day('2024-03-10'), amount: 1 }, // first purchase in the holdout: not a row
];
const split = { calibrationEnd: day('2024-02-29'), holdoutEnd: day('2024-05-31') };
const row = (frame: ReturnType<typeof buildChurnFrame>, id: string) => frame.ids.indexOf(id);

describe('buildChurnFrame', () => {
  it('labels churn as no purchase in the holdout, for customers seen in calibration only', () => {
    const frame = buildChurnFrame(base, split);
    expect([...frame.ids].sort()).toEqual(['a', 'b', 'c']);
    expect(frame.labels[row(frame, 'a')]).toBe(0);
    expect(frame.labels[row(frame, 'b')]).toBe(1);
    expect(frame.labels[row(frame, 'c')]).toBe(0);
  });

  it('computes the calibration features', () => {
    const frame = buildChurnFrame(base, split);
    const a = row(frame, 'a');
    const f = (name: (typeof FEATURE_NAMES)[number]) => frame.columns[col(name)]?.[a];
    expect(f('frequency')).toBe(2);
    expect(f('invoices')).toBe(3);
    expect(f('interval_mean_days')).toBe(15); // 10 and 20 days
    expect(f('interval_std_days')).toBeCloseTo(Math.sqrt(50), 10);
    expect(f('monetary_mean')).toBe(20);
    expect(f('days_since_first')).toBe(59);
    expect(f('days_since_last')).toBe(29);
    expect(f('last90_days')).toBe(3);
    expect(f('last90_spend')).toBe(60);
    // One interval only: its spread is unknown, not zero.
    expect(Number.isNaN(frame.columns[col('interval_std_days')]?.[row(frame, 'b')])).toBe(true);
  });

  it('ignores every row after the calibration end in the features (no leakage)', () => {
    const future: Transaction[] = [
      { customerId: 'a', time: day('2024-03-01'), amount: 999 },
      { customerId: 'b', time: day('2024-05-01'), amount: 999 },
      { customerId: 'e', time: day('2024-03-02'), amount: 999 },
    ];
    const before = buildChurnFrame(base, split);
    const after = buildChurnFrame([...base, ...future], split);
    expect(after.ids).toEqual(before.ids);
    before.columns.forEach((column, f) => {
      expect([...(after.columns[f] as Float64Array)], FEATURE_NAMES[f]).toEqual([...column]);
    });
    expect(after.labels[row(after, 'b')]).toBe(0); // the label does see the holdout
  });
});

describe('evaluateChurn', () => {
  it('trains on the earlier split, whose data end at the test calibration end', () => {
    // 60 customers: regular buyers keep buying, lapsed ones stop; a pattern the trees can learn.
    const tx: Transaction[] = [];
    for (let c = 0; c < 60; c++) {
      const lapses = c % 2 === 0;
      const stop = lapses ? 60 + (c % 7) * 5 : 400;
      for (let d = c % 5; d < 360 && d < stop; d += 7 + (c % 3)) {
        tx.push({ customerId: `c${c}`, time: day('2024-01-01') + d * 86_400_000, amount: 10 + c });
      }
    }
    const result = evaluateChurn(tx, { calibrationEnd: day('2024-06-30'), holdoutEnd: day('2024-09-30') });
    expect(result.train.calibrationEnd).toBe('2024-03-30');
    expect(result.train.holdoutEnd).toBe('2024-06-30');
    expect(result.test.customers).toBe(60);
    expect(result.auc).toBeGreaterThan(0.9);
    expect(result.topFeatures.length).toBe(5);
    expect(() =>
      evaluateChurn(tx, { calibrationEnd: day('2024-06-30'), holdoutEnd: day('2024-06-30') }),
    ).toThrow(/holdout must end/);
  });
});

describe('parseTransactions on the Online Retail invoice layout', () => {
  it('reads invoice_datetime, drops cancellations and rows without a customer', () => {
    const text = [
      'invoice_no,customer_id,invoice_datetime,country,n_lines,total_quantity,amount,is_cancellation',
      '536365,17850,2010-12-01 08:26:00,United Kingdom,7,40,139.12,0',
      'C536379,14527,2010-12-01 09:41:00,United Kingdom,1,-1,-27.50,1',
      '536414,,2010-12-01 11:52:00,United Kingdom,1,56,0.00,0',
    ].join('\n');
    expect(parseTransactions(text)).toEqual([
      { customerId: '17850', time: Date.UTC(2010, 11, 1, 8, 26), amount: 139.12 },
    ]);
  });
});
