import { describe, expect, it } from 'vitest';
import type { SegmentField } from '../api/intelligence-types.ts';
import {
  compileDraft,
  type DraftContext,
  draftFromDefinition,
  type FieldNode,
  nodePaths,
  serverErrorsByNode,
  updateNode,
} from './segment-draft.ts';

const FIELDS: SegmentField[] = [
  { field: 'profile.orders', type: 'number', unit: 'count', label: { en: 'Orders', zh: '订单数' } },
  { field: 'profile.revenue', type: 'number', unit: 'money', label: { en: 'Revenue', zh: '消费金额' } },
  { field: 'value.churnRisk', type: 'number', unit: 'ratio', label: { en: 'Churn risk', zh: '流失风险' } },
  { field: 'tier', type: 'enum', values: ['member', 'gold'], label: { en: 'Tier', zh: '等级' } },
];
const ctx: DraftContext = { fields: new Map(FIELDS.map((f) => [f.field, f])), currency: 'CNY' };

const definition = {
  all: [
    { field: 'profile.revenue', op: 'between', value: [10000, 250050] },
    {
      any: [
        { field: 'value.churnRisk', op: 'gte', value: 0.7 },
        { not: { field: 'tier', op: 'in', value: ['member', 'gold'] } },
      ],
    },
    { event: { type: 'order_paid', category: '服饰', withinDays: 365 }, count: { op: 'gte', value: 2 } },
    { not: { segment: 'seg_01ARZ3NDEKTSV4RRFFQ69G5FAV' } },
    { field: 'profile.orders', op: 'exists' },
  ],
};

describe('segment builder draft', () => {
  it('reads a definition into a tree and writes the same definition back', () => {
    const root = draftFromDefinition(definition, ctx);
    const compiled = compileDraft(root, ctx);
    expect(compiled.errors.size).toBe(0);
    expect(compiled.definition).toEqual(definition);
  });

  it('shows money in major units and ratios in percent, and sends minor units and fractions', () => {
    const root = draftFromDefinition(definition, ctx);
    const revenue = root.children[0] as FieldNode;
    expect([revenue.value, revenue.valueTo]).toEqual(['100', '2500.5']);
    const risk = (root.children[1] as { children: FieldNode[] }).children[0] as FieldNode;
    expect(risk.value).toBe('70');
    const edited = updateNode(root, risk.key, (n) => ({ ...n, value: '35' }) as FieldNode);
    const any = (compileDraft(edited, ctx).definition as { all: { any: unknown[] }[] }).all[1];
    expect(any?.any[0]).toEqual({ field: 'value.churnRisk', op: 'gte', value: 0.35 });
  });

  it('marks a value that is not a number at its own condition', () => {
    const root = draftFromDefinition(definition, ctx);
    const revenue = root.children[0] as FieldNode;
    const edited = updateNode(root, revenue.key, (n) => ({ ...n, valueTo: 'lots' }) as FieldNode);
    expect([...compileDraft(edited, ctx).errors]).toEqual([[revenue.key, 'err.number']]);
  });

  it('names every node by the path the API uses, negations one level further', () => {
    const root = draftFromDefinition(definition, ctx);
    const paths = [...nodePaths(root).values()];
    expect(paths).toEqual(['', 'all.0', 'all.1', 'all.1.any.0', 'all.1.any.1', 'all.2', 'all.3', 'all.4']);
  });

  it('puts each server message on the deepest node its path names', () => {
    const root = draftFromDefinition(definition, ctx);
    const { byNode, other } = serverErrorsByNode(root, [
      { path: 'definition.all.2.event.withinDays', message: 'too small' },
      { path: 'definition.all.1.any.1.not.value.0', message: 'unknown tier' },
      { path: 'definition.all.3.not.segment', message: 'unknown segment' },
      { path: 'name', message: 'required' },
      { path: 'definition', message: 'too many conditions' },
    ]);
    const keyAt = (path: string) => [...nodePaths(root)].find(([, p]) => p === path)?.[0];
    expect(byNode.get(keyAt('all.2') as string)).toBe('too small');
    expect(byNode.get(keyAt('all.1.any.1') as string)).toBe('unknown tier');
    expect(byNode.get(keyAt('all.3') as string)).toBe('unknown segment');
    expect(byNode.get(root.key)).toBe('too many conditions');
    expect(other).toEqual([{ path: 'name', message: 'required' }]);
  });

  it('puts a lone condition inside an "all of these" root', () => {
    const leaf = { field: 'profile.orders', op: 'gte', value: 1 };
    expect(compileDraft(draftFromDefinition(leaf, ctx), ctx).definition).toEqual({ all: [leaf] });
  });

  it('keeps a double negation, the outer one on a group of one', () => {
    const leaf = { field: 'profile.orders', op: 'gte', value: 1 };
    const root = draftFromDefinition({ not: { not: leaf } }, ctx);
    expect(compileDraft(root, ctx).definition).toEqual({ not: { all: [{ not: leaf }] } });
  });
});
