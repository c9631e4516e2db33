import { describe, expect, it } from 'vitest';
import { hubValue, LINK_CATEGORIES, linkGraphData, reasonsOption } from './risk-charts.ts';
import type { LinkGraph } from './risk-types.ts';

const farm: LinkGraph = {
  memberId: 'm-case',
  nodes: [
    { id: 'm-case', kind: 'member', fraud: false },
    { id: 'device:d-1', kind: 'device' },
    { id: 'ip:10.0.0.1', kind: 'ip' },
    { id: 'm-fraud', kind: 'member', fraud: true },
    { id: 'm-other', kind: 'member' },
  ],
  edges: [
    { member: 'm-case', hub: 'device:d-1', checks: 4 },
    { member: 'm-case', hub: 'ip:10.0.0.1', checks: 1 },
    { member: 'm-fraud', hub: 'device:d-1', checks: 2 },
    { member: 'm-other', hub: 'ip:10.0.0.1', checks: 1 },
    // A link to a node the server left out (truncated) is not drawn.
    { member: 'm-missing', hub: 'device:d-1', checks: 9 },
  ],
  truncated: true,
};

describe('linked-accounts graph', () => {
  it('sorts nodes into member, fraud, device and IP categories and emphasises the case member', () => {
    const { nodes } = linkGraphData(farm);
    const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
    const category = (id: string) => LINK_CATEGORIES[byId[id]?.category ?? -1];
    expect(category('m-case')).toBe('member');
    expect(category('m-fraud')).toBe('fraud');
    expect(category('m-other')).toBe('member');
    expect(category('device:d-1')).toBe('device');
    expect(category('ip:10.0.0.1')).toBe('ip');
    expect(byId['m-case']?.isCaseMember).toBe(true);
    expect(byId['m-case']?.itemStyle).toBeDefined();
    expect(byId['m-other']?.itemStyle).toBeUndefined();
    const others = nodes.filter((n) => n.id !== 'm-case').map((n) => n.symbolSize);
    expect(Math.max(...others)).toBeLessThan(byId['m-case']?.symbolSize ?? 0);
    // Hubs are labelled by their value, without the kind prefix.
    expect(byId['device:d-1']?.name).toBe('d-1');
    expect(byId['ip:10.0.0.1']?.symbol).toBe('triangle');
  });

  it('draws only links between nodes it has, thicker for more checks', () => {
    const { links } = linkGraphData(farm);
    expect(links.map((l) => `${l.source}>${l.target}`)).toEqual([
      'm-case>device:d-1',
      'm-case>ip:10.0.0.1',
      'm-fraud>device:d-1',
      'm-other>ip:10.0.0.1',
    ]);
    const width = (checks: number) => links.find((l) => l.checks === checks)?.lineStyle.width ?? 0;
    expect(width(4)).toBeGreaterThan(width(2));
    expect(width(2)).toBeGreaterThan(width(1));
    expect(width(1)).toBe(1);
  });

  it('keeps labels on hubs and the case member only once the graph is crowded', () => {
    const crowd: LinkGraph = {
      memberId: 'm-0',
      nodes: [
        { id: 'device:d', kind: 'device' },
        ...Array.from({ length: 40 }, (_, i) => ({ id: `m-${i}`, kind: 'member' as const })),
      ],
      edges: Array.from({ length: 40 }, (_, i) => ({ member: `m-${i}`, hub: 'device:d', checks: 1 })),
      truncated: false,
    };
    const labelled = linkGraphData(crowd)
      .nodes.filter((n) => n.label.show)
      .map((n) => n.id);
    expect(labelled.sort()).toEqual(['device:d', 'm-0']);
    expect(linkGraphData(farm).nodes.every((n) => n.label.show)).toBe(true);
  });

  it('splits a hub id at its first colon, so IPv6 addresses stay whole', () => {
    expect(hubValue('ip:2001:db8::1')).toBe('2001:db8::1');
    expect(hubValue('device:a:b')).toBe('a:b');
    expect(hubValue('plain')).toBe('plain');
  });
});

describe('reasons chart', () => {
  it('puts the largest contribution at the top and colours what lowers the score apart', () => {
    const option = reasonsOption(
      [
        { code: 'A', description: 'a', contribution: 50 },
        { code: 'B', description: 'b', contribution: 10 },
        { code: 'TRUSTED', description: 't', contribution: -15 },
      ],
      (r) => r.description,
    ) as {
      yAxis: { data: string[] };
      series: { data: { value: number; itemStyle: { color: string } }[] }[];
    };
    // ECharts draws a category axis bottom-up: the first reason is the last category.
    expect(option.yAxis.data).toEqual(['TRUSTED', 'B', 'A']);
    const bars = option.series[0]?.data ?? [];
    expect(bars.map((b) => b.value)).toEqual([-15, 10, 50]);
    expect(bars[0]?.itemStyle.color).not.toBe(bars[2]?.itemStyle.color);
    expect(bars[1]?.itemStyle.color).toBe(bars[2]?.itemStyle.color);
  });
});
