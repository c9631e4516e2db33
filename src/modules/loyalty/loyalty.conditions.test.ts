import { describe, expect, it } from 'vitest';
import { type Condition, conditionIssues, conditionNeeds, conditionSchema } from './loyalty.conditions.ts';
import { compare, evaluateCondition, type Facts, type LeafTrace } from './loyalty.facts.ts';

// 2026-03-16 is a Monday.
const MONDAY_NOON = Date.UTC(2026, 2, 16, 12, 30);

function facts(overrides: Partial<Facts> = {}): Facts {
  return {
    event: {
      type: 'order_paid',
      amount: 12_999,
      currency: 'CNY',
      quantity: 2,
      rating: null,
      channel: 'app',
      textLength: null,
      properties: { campaign: 'spring', nested: { level: 3 }, tags: ['gift', 'sale'] },
      occurredAt: MONDAY_NOON,
    },
    item: {
      id: 'sku-1',
      category: '服饰',
      categoryPath: '服饰 > 女装 > 连衣裙',
      brand: 'Acme',
      price: 5_000,
    },
    member: {
      id: 'm1',
      tierId: 'gold',
      region: 'Shanghai',
      gender: 'female',
      channel: 'web',
      attributes: { vip: true, segment: 'b2b' },
      registeredAt: MONDAY_NOON - 10.5 * 86_400_000,
      birthMonth: 3,
    },
    ...overrides,
  };
}

const holds = (condition: Condition, f: Facts = facts()) => evaluateCondition(condition, f).result;
const paths = (value: unknown) => conditionIssues(value).map((i) => i.path.join('.'));

describe('condition validation', () => {
  it('accepts every field with an operator and value of its type', () => {
    const valid: Condition = {
      all: [
        { field: 'event.type', op: 'in', value: ['order_paid', 'review'] },
        { field: 'event.amount', op: 'between', value: [100, 100_000] },
        { field: 'event.currency', op: 'eq', value: 'CNY' },
        { field: 'event.rating', op: 'gte', value: 4 },
        { field: 'event.properties.campaign', op: 'eq', value: 'spring' },
        { field: 'item.categoryPath', op: 'contains', value: '女装' },
        { field: 'member.gender', op: 'ne', value: 'male' },
        { field: 'member.attributes.vip', op: 'exists' },
        { field: 'date.date', op: 'between', value: ['2026-11-01', '2026-11-11'] },
        { not: { field: 'date.isBirthdayMonth', op: 'eq', value: false } },
        { any: [{ field: 'date.dayOfWeek', op: 'in', value: [6, 7] }] },
      ],
    };
    expect(conditionIssues(valid)).toEqual([]);
    expect(conditionIssues({ all: [] })).toEqual([]);
  });

  it('reports every bad path in one pass', () => {
    const issues = paths({
      all: [
        { field: 'event.nope', op: 'eq', value: 1 },
        { field: 'event.amount', op: 'contains', value: 1 },
        { field: 'event.amount', op: 'gt', value: '5' },
        { field: 'event.type', op: 'eq', value: 'purchase' },
        { field: 'date.dayOfWeek', op: 'in', value: [0, 3] },
        { field: 'date.date', op: 'eq', value: '2026-02-30' },
        { field: 'event.rating', op: 'between', value: [5, 1] },
        { field: 'member.region', op: 'eq' },
        { field: 'member.region', op: 'like', value: 'x' },
        { any: [] },
        { all: [], extra: 1 },
        'text',
      ],
    });
    expect(issues).toEqual([
      'all.0.field',
      'all.1.op',
      'all.2.value',
      'all.3.value',
      'all.4.value.0',
      'all.5.value',
      'all.6.value',
      'all.7.value',
      'all.8.op',
      'all.9.any',
      'all.10.extra',
      'all.11',
    ]);
  });

  it('bounds depth at 8 levels and size at 100 nodes', () => {
    let deep: Condition = { field: 'event.amount', op: 'gt', value: 1 };
    for (let i = 0; i < 7; i++) deep = { not: deep };
    expect(conditionIssues(deep)).toEqual([]);
    const tooDeep = { not: deep };
    expect(conditionIssues(tooDeep)[0]?.message).toMatch(/at most 8 levels/);
    const wide = { any: Array.from({ length: 100 }, () => ({ field: 'event.amount', op: 'gt', value: 1 })) };
    expect(conditionIssues(wide)[0]).toMatchObject({ path: [], message: expect.stringMatching(/101/) });
  });

  it('the zod schema reports issues at their paths under the field', () => {
    const result = conditionSchema.safeParse({ all: [{ field: 'item.price', op: 'eq', value: -1 }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['all.0.value']);
  });

  it('knows what a condition needs loaded', () => {
    const needs = conditionNeeds({
      any: [
        { field: 'member.tier', op: 'eq', value: 'gold' },
        { field: 'item.brand', op: 'eq', value: 'Acme' },
        { field: 'date.isBirthdayMonth', op: 'eq', value: true },
      ],
    });
    expect([...needs].sort()).toEqual(['birthday', 'item', 'tier']);
    expect(conditionNeeds({ field: 'event.amount', op: 'gt', value: 0 }).size).toBe(0);
  });
});

describe('condition evaluation', () => {
  it('reads event, item, member and date fields', () => {
    expect(holds({ field: 'event.amount', op: 'gte', value: 12_999 })).toBe(true);
    expect(holds({ field: 'event.properties.nested.level', op: 'eq', value: 3 })).toBe(true);
    expect(holds({ field: 'event.properties.tags', op: 'contains', value: 'gift' })).toBe(true);
    expect(holds({ field: 'event.properties.tags', op: 'in', value: ['sale'] })).toBe(true);
    expect(holds({ field: 'item.categoryPath', op: 'contains', value: '女装' })).toBe(true);
    expect(holds({ field: 'member.tier', op: 'eq', value: 'gold' })).toBe(true);
    expect(holds({ field: 'member.attributes.segment', op: 'nin', value: ['b2c'] })).toBe(true);
    expect(holds({ field: 'member.daysSinceRegistration', op: 'eq', value: 10 })).toBe(true);
    expect(holds({ field: 'date.dayOfWeek', op: 'eq', value: 1 })).toBe(true);
    expect(holds({ field: 'date.month', op: 'eq', value: 3 })).toBe(true);
    expect(holds({ field: 'date.hour', op: 'eq', value: 12 })).toBe(true);
    expect(holds({ field: 'date.date', op: 'between', value: ['2026-03-16', '2026-03-16'] })).toBe(true);
    expect(holds({ field: 'date.isBirthdayMonth', op: 'eq', value: true })).toBe(true);
  });

  it('Sunday is day 7 and dates are UTC', () => {
    const sunday = facts();
    sunday.event = { ...sunday.event, occurredAt: Date.UTC(2026, 2, 22, 23, 59) };
    expect(holds({ field: 'date.dayOfWeek', op: 'eq', value: 7 }, sunday)).toBe(true);
    expect(holds({ field: 'date.date', op: 'eq', value: '2026-03-22' }, sunday)).toBe(true);
  });

  it('an absent field fails every operator but ne, nin and exists false', () => {
    const bare = facts({ item: null, member: null });
    expect(holds({ field: 'item.brand', op: 'eq', value: 'Acme' }, bare)).toBe(false);
    expect(holds({ field: 'member.region', op: 'ne', value: 'Beijing' }, bare)).toBe(true);
    expect(holds({ field: 'member.region', op: 'nin', value: ['Beijing'] }, bare)).toBe(true);
    expect(holds({ field: 'member.region', op: 'exists', value: false }, bare)).toBe(true);
    expect(holds({ field: 'member.region', op: 'exists' }, bare)).toBe(false);
    expect(holds({ field: 'date.isBirthdayMonth', op: 'eq', value: false }, bare)).toBe(false);
    expect(holds({ field: 'event.rating', op: 'gte', value: 1 })).toBe(false);
  });

  it('json fields compare strictly: a string never equals a number', () => {
    expect(compare('eq', '3', 3)).toBe(false);
    expect(compare('gt', 'b', 'a')).toBe(true);
    expect(compare('gt', 'b', 1)).toBe(false);
    expect(compare('between', 5, [1, 5])).toBe(true);
  });

  it('traces every leaf with expected and actual, without short-circuit', () => {
    const trace = evaluateCondition(
      {
        any: [
          { field: 'event.amount', op: 'gt', value: 50_000 },
          { not: { field: 'member.region', op: 'eq', value: 'Beijing' } },
        ],
      },
      facts(),
    );
    expect(trace).toEqual({
      result: true,
      any: [
        { field: 'event.amount', op: 'gt', expected: 50_000, actual: 12_999, result: false },
        {
          result: true,
          not: { field: 'member.region', op: 'eq', expected: 'Beijing', actual: 'Shanghai', result: false },
        },
      ],
    });
    const leaf = evaluateCondition({ field: 'event.rating', op: 'exists' }, facts()) as LeafTrace;
    expect(leaf).toMatchObject({ expected: null, actual: null, result: false });
  });
});
