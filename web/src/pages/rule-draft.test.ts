import { describe, expect, it } from 'vitest';
import type { RuleDto } from '../api/rules-types.ts';
import {
  conditionFrom,
  conditionJson,
  draftFromJson,
  type GroupNode,
  type LeafNode,
  type NodePaths,
  newDraft,
  nodeErrorsOf,
  ruleInput,
  withField,
} from './rule-draft.ts';
import { ladderTiers, rowErrorsOf, rowsFrom } from './tier-ladder-draft.ts';

const condition = {
  all: [
    { field: 'event.amount', op: 'gte', value: 10000 },
    {
      any: [
        { field: 'date.dayOfWeek', op: 'in', value: [6, 7] },
        { not: { field: 'event.properties.coupon', op: 'exists', value: true } },
      ],
    },
    { field: 'item.price', op: 'between', value: [1999, 50000] },
  ],
};

const rule: RuleDto = {
  id: 'rule_1',
  name: 'Weekend',
  description: null,
  trigger: 'order_paid',
  status: 'active',
  priority: 30,
  stacking: 'stack',
  condition,
  action: { type: 'per_amount', points: 3, per: 10 },
  cap: { points: 2000, period: 'month' },
  validFrom: null,
  validUntil: null,
  qualifying: true,
  version: 4,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('rule drafts', () => {
  it('shows money in major units and sends it back in minor units, unchanged', () => {
    const root = conditionFrom(condition, 'CNY');
    const amount = root.children[0] as LeafNode;
    expect(amount.value).toBe('100');
    const price = root.children[2] as LeafNode;
    expect([price.value, price.high]).toEqual(['19.99', '500']);
    expect(conditionJson(root, 'CNY')).toEqual(condition);
  });

  it('round-trips a stored rule through the form without a change', () => {
    const { input } = ruleInput(draftFromJson(rule, 'CNY'), 'CNY');
    const { id, version, createdAt, updatedAt, ...stored } = rule;
    expect(input).toEqual(stored);
  });

  it('wraps a lone condition in a group and keeps a negation on the node', () => {
    const root = conditionFrom({ not: { field: 'event.channel', op: 'eq', value: 'app' } }, 'CNY');
    expect(root.kind).toBe('group');
    expect(root.children[0]).toMatchObject({ kind: 'leaf', not: true, field: 'event.channel' });
    expect(conditionJson(root, 'CNY')).toEqual({
      all: [{ not: { field: 'event.channel', op: 'eq', value: 'app' } }],
    });
  });

  it('sends what the operator typed when it is not a number, so the server can name the field', () => {
    const draft = { ...newDraft(), priority: 'soon' };
    draft.action = { ...draft.action, type: 'fixed', points: '' };
    const { input } = ruleInput(draft, 'CNY');
    expect(input.priority).toBe('soon');
    expect(input.action).toEqual({ type: 'fixed', points: '' });
  });

  it('keeps the operator when a new field allows it, and starts the value over', () => {
    const leaf: LeafNode = {
      key: 'x',
      not: false,
      kind: 'leaf',
      field: 'event.amount',
      op: 'gte',
      value: '100',
      high: '',
      jsonKind: 'text',
    };
    expect(withField(leaf, 'event.quantity')).toMatchObject({ op: 'gte', value: '100' });
    expect(withField(leaf, 'member.gender')).toMatchObject({ op: 'eq', value: '' });
  });

  it('puts validation details at the node and spot they name', () => {
    const root = conditionFrom(condition, 'CNY');
    const paths: NodePaths = new Map();
    conditionJson(root, 'CNY', paths);
    const nested = root.children[1] as GroupNode;
    const coupon = nested.children[1] as LeafNode;
    const errors = new Map([
      ['condition.all.0.value', 'must be a number'],
      ['condition.all.1.any.1.not.op', 'exists does not apply'],
      ['condition.all.2.value.1', 'must be at most 100'],
      ['condition.all.1.any', 'must hold at least one condition'],
      ['condition', 'holds 101 conditions'],
    ]);
    const byNode = nodeErrorsOf(errors, paths, root);
    expect(byNode.get((root.children[0] as LeafNode).key)).toEqual({ value: 'must be a number' });
    expect(byNode.get(coupon.key)).toEqual({ op: 'exists does not apply' });
    expect(byNode.get((root.children[2] as LeafNode).key)).toEqual({ value: 'must be at most 100' });
    expect(byNode.get(nested.key)).toEqual({ node: 'must hold at least one condition' });
    expect(byNode.get(root.key)).toEqual({ node: 'holds 101 conditions' });
  });
});

describe('tier ladder drafts', () => {
  const ladder = {
    tiers: [
      {
        id: 'member',
        position: 0,
        nameZh: '普通',
        nameEn: 'Member',
        entryThreshold: 0,
        retainThreshold: 0,
        benefits: { earningMultiplier: 1 },
        color: null,
      },
      {
        id: 'gold',
        position: 1,
        nameZh: '黄金',
        nameEn: 'Gold',
        entryThreshold: 500_050,
        retainThreshold: 400_000,
        benefits: { earningMultiplier: 1.5, freeShipping: true, lounge: 'airport', visits: 3 },
        color: '#D4AF37',
      },
    ],
    settings: { metric: 'spend' as const, window: 'rolling_12_months', graceDays: 30, currency: 'CNY' },
    updatedAt: null,
  };

  it('edits spend thresholds in CNY and sends them in fen, benefits as they were', () => {
    const rows = rowsFrom(ladder);
    expect(rows[1]?.entry).toBe('5000.5');
    expect(ladderTiers(rows, 'spend', 'CNY')).toEqual(ladder.tiers.map(({ position, ...tier }) => tier));
  });

  it('keeps points thresholds as numbers', () => {
    const rows = rowsFrom({ ...ladder, settings: { ...ladder.settings, metric: 'qualifying_points' } });
    expect(rows[1]?.entry).toBe('500050');
  });

  it('names the row a detail is about, so the message follows the row', () => {
    const rows = rowsFrom(ladder);
    const { byRow, rest } = rowErrorsOf(
      new Map([
        ['tiers.1.entryThreshold', 'must be greater'],
        ['tiers.1.benefits.lounge', 'too long'],
        ['memberMapping.silver', 'not in the ladder'],
      ]),
      rows,
    );
    expect(Object.fromEntries(byRow.get(rows[1]?.key as string) ?? [])).toEqual({
      entryThreshold: 'must be greater',
      'benefits.lounge': 'too long',
    });
    expect([...rest.keys()]).toEqual(['memberMapping.silver']);
  });
});
