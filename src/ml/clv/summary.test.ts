import { describe, expect, it } from 'vitest';
import { buildSummary, countPurchaseDays, filterSummary } from './summary.ts';
import { parseDate, parseSummaryCsv, parseTransactions } from './summary-csv.ts';

const day = (iso: string) => parseDate(iso);

describe('buildSummary', () => {
  const transactions = [
    { customerId: 'a', time: day('2024-01-01'), amount: 10 },
    { customerId: 'a', time: day('2024-01-01') + 3_600_000, amount: 5 }, // same day: merged
    { customerId: 'a', time: day('2024-01-15'), amount: 20 },
    { customerId: 'a', time: day('2024-01-29'), amount: 40 },
    { customerId: 'b', time: day('2024-01-22'), amount: 7 },
    { customerId: 'a', time: day('2024-03-01'), amount: 99 }, // after calibration: ignored
    { customerId: 'c', time: day('2024-02-10'), amount: 1 }, // first purchase after calibration
  ];

  it('follows lifetimes: repeat days, first-to-last and first-to-end in weeks, mean repeat spend', () => {
    const s = buildSummary(transactions, day('2024-02-05'), 'weeks');
    expect(s.ids).toEqual(['a', 'b']);
    expect([...s.frequency]).toEqual([2, 0]);
    expect([...s.recency]).toEqual([4, 0]);
    expect([...s.T]).toEqual([5, 2]);
    expect([...(s.monetary as Float64Array)]).toEqual([30, 0]);
  });

  it('counts in days when asked', () => {
    const s = buildSummary(transactions, day('2024-02-05'), 'days');
    expect([...s.recency]).toEqual([28, 0]);
    expect([...s.T]).toEqual([35, 14]);
  });

  it('counts holdout purchase days after the calibration end', () => {
    const holdout = countPurchaseDays(transactions, day('2024-02-05'), day('2024-03-31'));
    expect(Object.fromEntries(holdout)).toEqual({ a: 1, c: 1 });
  });

  it('filters customers', () => {
    const s = filterSummary(buildSummary(transactions, day('2024-02-05')), (i) => i === 1);
    expect(s.ids).toEqual(['b']);
    expect(s.monetary?.length).toBe(1);
  });
});

describe('parsers', () => {
  it('reads both summary layouts', () => {
    const lifetimes = parseSummaryCsv('ID,frequency,recency,T\n1,2,30.43,38.86\n2,0,0,38.86\n');
    expect([...lifetimes.frequency]).toEqual([2, 0]);
    expect(lifetimes.monetary).toBeUndefined();
    const btyd = parseSummaryCsv('ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n');
    expect(btyd.ids).toEqual(['1']);
    expect([...(btyd.monetary as Float64Array)]).toEqual([22.35]);
  });

  it('names a missing column and a bad number', () => {
    expect(() => parseSummaryCsv('ID,frequency,T\n1,2,3\n')).toThrow(/recency/);
    expect(() => parseSummaryCsv('ID,frequency,recency,T\n1,two,3,4\n')).toThrow(/line 2/);
  });

  it('reads transaction CSVs and the CDNOW master log', () => {
    const csv = parseTransactions('masterid,sampleid,date,cds,sales\n4,1,19970101,2,29.33\n');
    expect(csv).toEqual([{ customerId: '4', time: day('1997-01-01'), amount: 29.33 }]);
    const master = parseTransactions(
      ' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n',
    );
    expect(master).toEqual([{ customerId: '00001', time: day('1997-01-01'), amount: 11.77 }]);
    expect(parseDate('2014-03-08 00:00:00')).toBe(day('2014-03-08'));
  });
});
