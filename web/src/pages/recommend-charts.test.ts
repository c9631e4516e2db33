import { describe, expect, it } from 'vitest';
import { ctrDailyOption, curveOption } from './recommend-charts.ts';

interface Series {
  name: string;
  data: (number | null)[];
  yAxisIndex?: number;
}

const seriesOf = (option: Record<string, unknown>) => option.series as Series[];

describe('recommendation charts', () => {
  it('draws the click-through rate per variant and day, with a gap where nothing was shown', () => {
    const { option, points } = ctrDailyOption(
      [
        { day: '2026-12-02', variant: 'treatment', lists: 5, itemsShown: 50, clicks: 5, orders: 0 },
        { day: '2026-12-01', variant: 'control', lists: 4, itemsShown: 40, clicks: 2, orders: 1 },
        { day: '2026-12-02', variant: 'control', lists: 0, itemsShown: 0, clicks: 0, orders: 0 },
        { day: '2026-12-01', variant: null, lists: 1, itemsShown: 10, clicks: 1, orders: 0 },
      ],
      'no experiment',
      'en',
    );
    expect(points).toBe(2);
    const series = seriesOf(option as Record<string, unknown>);
    expect(series.map((s) => s.name)).toEqual(['control', 'no experiment', 'treatment']);
    expect(series[0]?.data).toEqual([0.05, null]);
    expect(series[1]?.data).toEqual([0.1, null]);
    expect(series[2]?.data).toEqual([null, 0.1]);
  });

  it('draws loss and validation NDCG on their own axes, and only what the curve carries', () => {
    const names = { loss: 'Loss', ndcg: 'NDCG', iteration: (n: number) => `#${n}` };
    const both = curveOption(
      [
        { iteration: 1, loss: 10, ndcg: 0.1, seconds: 0.1 },
        { iteration: 2, loss: 5, seconds: 0.2 },
        { iteration: 3, loss: 4, ndcg: 0.12, seconds: 0.3 },
      ],
      names,
      'en',
    ) as Record<string, unknown>;
    const series = seriesOf(both);
    expect(series.map((s) => [s.name, s.yAxisIndex])).toEqual([
      ['Loss', 0],
      ['NDCG', 1],
    ]);
    expect(series[1]?.data).toEqual([0.1, null, 0.12]);
    expect((both.yAxis as unknown[]).length).toBe(2);

    const lossOnly = curveOption([{ iteration: 1, loss: 3, seconds: 1 }], names, 'en') as Record<
      string,
      unknown
    >;
    expect(seriesOf(lossOnly).map((s) => s.name)).toEqual(['Loss']);
    expect((lossOnly.yAxis as unknown[]).length).toBe(1);
  });
});
