import { describe, expect, it } from 'vitest';
import { buildSummary, fitBgNbd, parseDate, type Transaction } from '../clv/index.ts';
import { createRng } from '../gbdt/index.ts';
import { buildChurnFrame } from './features.ts';
import { churnFeatureRow, type PurchaseDays } from './member-features.ts';

const DAY = 86_400_000;

function synthetic(): Transaction[] {
  const rng = createRng(7);
  const out: Transaction[] = [];
  const start = parseDate('2024-01-01');
  for (let c = 0; c < 60; c++) {
    let t = start + Math.floor(rng() * 120) * DAY;
    const n = 1 + Math.floor(rng() * 6);
    for (let k = 0; k < n; k++) {
      out.push({
        customerId: `c${c}`,
        time: t + Math.floor(rng() * 20) * 3_600_000,
        amount: 100 + Math.floor(rng() * 900),
      });
      if (rng() < 0.3) out.push({ customerId: `c${c}`, time: t, amount: 50 });
      t += (1 + Math.floor(rng() * 40)) * DAY;
    }
  }
  return out;
}

describe('churnFeatureRow', () => {
  it('gives every customer the same features as buildChurnFrame', () => {
    const tx = synthetic();
    const split = { calibrationEnd: parseDate('2024-06-30'), holdoutEnd: parseDate('2024-09-30') };
    const frame = buildChurnFrame(tx, split);
    const endDay = Math.floor(split.calibrationEnd / DAY);
    const cal = tx.filter((t) => Math.floor(t.time / DAY) <= endDay);
    const { params } = fitBgNbd(buildSummary(cal, split.calibrationEnd, 'weeks'));
    const horizon = (Math.floor(split.holdoutEnd / DAY) - endDay) / 7;
    frame.ids.forEach((id, i) => {
      const mine = cal.filter((t) => t.customerId === id);
      const byDay = new Map<number, number>();
      for (const t of mine)
        byDay.set(Math.floor(t.time / DAY), (byDay.get(Math.floor(t.time / DAY)) ?? 0) + (t.amount ?? 0));
      const days = [...byDay.keys()].sort((a, b) => a - b);
      const h: PurchaseDays = { days, spend: days.map((d) => byDay.get(d) as number), invoices: mine.length };
      const row = churnFeatureRow(h, endDay, params, horizon);
      frame.columns.forEach((column, f) => {
        const expected = column[i] as number;
        if (Number.isNaN(expected)) expect(row[f]).toBeNaN();
        else expect(row[f]).toBeCloseTo(expected, 9);
      });
    });
  });
});
