// ECharts options of the case page: the reasons' contributions as horizontal bars, and the
// linked-accounts graph (members around the devices and IPs they shared, force layout).
import { GraphChart } from 'echarts/charts';
import { use } from 'echarts/core';
import type { ChartOption } from '../components/echart.tsx';
import { AXIS_LABEL, SPLIT_LINE, TEXT_STYLE, TOOLTIP } from './chart-theme.ts';
import type { LinkGraph, RiskReason } from './risk-types.ts';

// The shared chart component registers bars and lines only; the graph series is registered here,
// so it travels in the risk pages' chunk and not in the first load.
use([GraphChart]);

const RAISES = '#ef4444';
const LOWERS = '#10b981';

/** Contributions with the largest at the top (ECharts draws a category axis bottom-up). */
export function reasonsOption(
  reasons: readonly RiskReason[],
  describe: (reason: RiskReason) => string,
): ChartOption {
  const rows = [...reasons].reverse();
  return {
    textStyle: TEXT_STYLE,
    animation: false,
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...TOOLTIP,
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const reason = rows[p.dataIndex];
        return reason
          ? `${reason.code}<br/>${escapeHtml(describe(reason))}: ${signed(reason.contribution)}`
          : '';
      },
    },
    xAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.code),
      axisLabel: { ...AXIS_LABEL, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 22,
        data: rows.map((r) => ({
          value: r.contribution,
          itemStyle: { color: r.contribution >= 0 ? RAISES : LOWERS },
        })),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => signed(p.value) },
      },
    ],
  };
}

/** Graph categories, in the order of the legend. */
export const LINK_CATEGORIES = ['member', 'fraud', 'device', 'ip'] as const;
export type LinkCategory = (typeof LINK_CATEGORIES)[number];
const CATEGORY_COLOURS: Record<LinkCategory, string> = {
  member: '#4f46e5',
  fraud: '#ef4444',
  device: '#64748b',
  ip: '#0ea5e9',
};
const SYMBOLS: Record<LinkCategory, string> = {
  member: 'circle',
  fraud: 'circle',
  device: 'rect',
  ip: 'triangle',
};

export interface GraphNode {
  id: string;
  name: string;
  category: number;
  symbol: string;
  symbolSize: number;
  label: { show: boolean };
  itemStyle?: { borderColor: string; borderWidth: number };
  /** The node's kind and fraud flag, for the tooltip. */
  kind: LinkCategory;
  isCaseMember: boolean;
}

export interface GraphLink {
  source: string;
  target: string;
  checks: number;
  lineStyle: { width: number };
}

/** A hub id without its kind: `device:d-1` → `d-1`. */
export function hubValue(id: string): string {
  const colon = id.indexOf(':');
  return colon < 0 ? id : id.slice(colon + 1);
}

/** Past this many nodes only the case member and the hubs keep a label, so the graph stays legible. */
const LABEL_ALL_BELOW = 30;

/**
 * The graph's nodes and links: members as circles (red when a decision of theirs is labelled
 * fraud), devices as squares, IPs as triangles; the case member drawn larger with a dark ring;
 * a link as thick as the log of the checks it carries.
 */
export function linkGraphData(graph: LinkGraph): { nodes: GraphNode[]; links: GraphLink[] } {
  const labelAll = graph.nodes.length < LABEL_ALL_BELOW;
  const present = new Set(graph.nodes.map((n) => n.id));
  const nodes = graph.nodes.map((node): GraphNode => {
    const kind: LinkCategory = node.kind === 'member' ? (node.fraud ? 'fraud' : 'member') : node.kind;
    const isCaseMember = node.kind === 'member' && node.id === graph.memberId;
    return {
      id: node.id,
      name: node.kind === 'member' ? node.id : hubValue(node.id),
      category: LINK_CATEGORIES.indexOf(kind),
      symbol: SYMBOLS[kind],
      symbolSize: isCaseMember ? 34 : node.kind === 'member' ? 18 : 14,
      label: { show: labelAll || isCaseMember || node.kind !== 'member' },
      ...(isCaseMember ? { itemStyle: { borderColor: '#0f172a', borderWidth: 3 } } : {}),
      kind,
      isCaseMember,
    };
  });
  const links = graph.edges
    .filter((e) => present.has(e.member) && present.has(e.hub))
    .map((e) => ({
      source: e.member,
      target: e.hub,
      checks: e.checks,
      lineStyle: { width: 1 + Math.log2(Math.max(1, e.checks)) },
    }));
  return { nodes, links };
}

export function linksOption(
  graph: LinkGraph,
  categoryName: (category: LinkCategory) => string,
  checksText: (n: number) => string,
): ChartOption {
  const { nodes, links } = linkGraphData(graph);
  return {
    textStyle: TEXT_STYLE,
    tooltip: {
      ...TOOLTIP,
      formatter: (p: { dataType?: string; data?: GraphNode | GraphLink }) => {
        const data = p.data;
        if (!data) return '';
        if (p.dataType === 'edge' && 'checks' in data)
          return `${escapeHtml(data.source)} — ${escapeHtml(hubValue(data.target))}<br/>${checksText(data.checks)}`;
        if ('kind' in data) {
          const what = data.isCaseMember ? categoryName('member') : categoryName(data.kind);
          return `${escapeHtml(what)}<br/>${escapeHtml(data.name)}`;
        }
        return '';
      },
    },
    legend: {
      data: LINK_CATEGORIES.map((c) => categoryName(c)),
      bottom: 0,
      textStyle: { color: '#334155', fontSize: 12 },
    },
    series: [
      {
        type: 'graph',
        layout: 'force',
        roam: true,
        draggable: true,
        force: { repulsion: 160, edgeLength: [50, 110], gravity: 0.08 },
        categories: LINK_CATEGORIES.map((c) => ({
          name: categoryName(c),
          symbol: SYMBOLS[c],
          itemStyle: { color: CATEGORY_COLOURS[c] },
        })),
        data: nodes,
        links,
        label: { position: 'right', fontSize: 11, color: '#334155' },
        lineStyle: { color: '#94a3b8', opacity: 0.8, curveness: 0 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 3 } },
      },
    ],
  };
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
