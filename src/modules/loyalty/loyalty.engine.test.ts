import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capWindow, minorUnitExponent, multiplierPoints, perAmountPoints } from './loyalty.actions.ts';
import { type EngineContext, type EngineRule, evaluateRules } from './loyalty.engine.ts';
import type { Facts } from './loyalty.facts.ts';

const AT = Date.UTC(2026, 5, 10, 8); // a Wednesday

function rule(id: string, overrides: Partial<EngineRule> = {}): EngineRule {
  return {
    id,
    name: `rule ${id}`,
    version: 1,
    trigger: 'order_paid',
    status: 'active',
    priority: 100,
    stacking: 'stack',
    condition: { all: [] },
    action: { type: 'fixed', points: 10 },
    cap: null,
    validFrom: null,
    validUntil: null,
    qualifying: false,
    ...overrides,
  };
}

function context(amount: number | null = 12_999, overrides: Partial<EngineContext> = {}): EngineContext {
  const facts: Facts = {
    event: {
      type: 'order_paid',
      amount,
      currency: amount === null ? null : 'CNY',
      quantity: null,
      rating: null,
      channel: null,
      textLength: null,
      properties: null,
      occurredAt: AT,
    },
    item: null,
    member: null,
  };
  return { facts, currency: 'CNY', tierMultiplier: null, capUsed: new Map(), ...overrides };
}

const base = rule('base', {
  priority: 10,
  action: { type: 'per_amount', points: 1, per: 1 },
  qualifying: true,
});

describe('actions', () => {
  it('per_amount counts whole `per` major units of the amount', () => {
    expect(perAmountPoints(12_999, 'CNY', 1, 1)).toBe(129);
    expect(perAmountPoints(12_999, 'CNY', 3, 10)).toBe(36);
    expect(perAmountPoints(1_500, 'JPY', 1, 100)).toBe(15);
    expect(perAmountPoints(12_345, 'KWD', 1, 1)).toBe(12);
    expect(perAmountPoints(0, 'CNY', 1, 1)).toBe(0);
    expect(minorUnitExponent('XYZ')).toBe(2);
  });

  it('multiplier points survive binary fractions', () => {
    expect(multiplierPoints(1.15, 100)).toBe(15);
    expect(multiplierPoints(2, 129)).toBe(129);
    expect(multiplierPoints(1.5, 129)).toBe(64);
    expect(multiplierPoints(1, 129)).toBe(0);
  });

  it('cap windows are UTC periods; weeks start on Monday', () => {
    const day = capWindow('day', AT);
    expect([day.from, day.until]).toEqual([Date.UTC(2026, 5, 10), Date.UTC(2026, 5, 11)]);
    const week = capWindow('week', AT);
    expect([week.from, week.until]).toEqual([Date.UTC(2026, 5, 8), Date.UTC(2026, 5, 15)]);
    const sunday = capWindow('week', Date.UTC(2026, 5, 14, 23));
    expect(sunday.from).toBe(Date.UTC(2026, 5, 8));
    expect(capWindow('month', AT)).toEqual({ from: Date.UTC(2026, 5, 1), until: Date.UTC(2026, 6, 1) });
    expect(capWindow('year', AT)).toEqual({ from: Date.UTC(2026, 0, 1), until: Date.UTC(2027, 0, 1) });
    expect(capWindow('lifetime', AT).from).toBe(0);
  });
});

describe('evaluateRules', () => {
  it('the default order programme: base points, then the tier bonus', () => {
    const tier = rule('tier', { priority: 20, action: { type: 'tier_multiplier' } });
    const result = evaluateRules([tier, base], context(12_999, { tierMultiplier: 1.5 }));
    expect(result.lines).toEqual([
      { ruleId: 'base', ruleVersion: 1, points: 129, qualifying: 129, reason: 'rule base' },
      { ruleId: 'tier', ruleVersion: 1, points: 64, qualifying: 0, reason: 'rule tier' },
    ]);
    expect(result.total).toBe(193);
    const noTier = evaluateRules([tier, base], context(12_999));
    expect(noTier.lines).toHaveLength(1);
    expect(noTier.trace[1]).toMatchObject({ matched: true, skippedBecause: 'no_points' });
  });

  it('explains every skipped rule', () => {
    const rules = [
      rule('off', { status: 'inactive' }),
      rule('other', { trigger: 'review' }),
      rule('later', { validFrom: AT + 1 }),
      rule('ended', { validUntil: AT }),
      rule('big', { condition: { field: 'event.amount', op: 'gt', value: 100_000 } }),
      rule('capped', { cap: { points: 50, period: 'month' } }),
      rule('x-per', { action: { type: 'per_amount', points: 1, per: 1 } }),
    ];
    const result = evaluateRules(rules, context(null, { capUsed: new Map([['capped', 50]]) }));
    const reasons = Object.fromEntries(result.trace.map((o) => [o.ruleId, o.skippedBecause]));
    expect(reasons).toEqual({
      off: 'inactive',
      other: 'trigger',
      later: 'not_in_window',
      ended: 'not_in_window',
      big: 'condition',
      capped: 'cap_reached',
      'x-per': 'no_points',
    });
    expect(result.lines).toEqual([]);
    expect(result.trace.find((o) => o.ruleId === 'x-per')?.detail).toBe('the event has no amount');
  });

  it('a currency other than the programme’s earns no per-amount points', () => {
    const ctx = context(10_000);
    ctx.facts.event.currency = 'USD';
    const result = evaluateRules([base], ctx);
    expect(result.total).toBe(0);
    expect(result.trace[0]?.detail).toMatch(/USD/);
  });

  it('a cap cuts the line to what is left and says so', () => {
    const capped = rule('c', { action: { type: 'fixed', points: 30 }, cap: { points: 50, period: 'day' } });
    const result = evaluateRules([capped], context(1, { capUsed: new Map([['c', 40]]) }));
    expect(result.lines[0]?.points).toBe(10);
    expect(result.trace[0]).toMatchObject({ points: 10, cappedFrom: 30 });
  });

  it('an exclusive rule that gives points stops later rules; one that gives none does not', () => {
    const exclusive = rule('ex', { priority: 1, stacking: 'exclusive', cap: { points: 5, period: 'day' } });
    const after = [rule('a', { priority: 2 }), rule('b', { priority: 3 })];
    const stopped = evaluateRules([exclusive, ...after], context());
    expect(stopped.lines.map((l) => l.ruleId)).toEqual(['ex']);
    expect(stopped.trace[1]).toMatchObject({ matched: true, skippedBecause: 'after_exclusive' });
    const spent = evaluateRules([exclusive, ...after], context(1, { capUsed: new Map([['ex', 5]]) }));
    expect(spent.lines.map((l) => l.ruleId)).toEqual(['a', 'b']);
  });

  it('multipliers compound over the lines before them', () => {
    const double = rule('double', { priority: 50, action: { type: 'multiplier', factor: 2 } });
    const bonus = rule('bonus', { priority: 20, action: { type: 'fixed', points: 21 } });
    const result = evaluateRules([double, bonus, base], context(10_000));
    expect(result.lines.map((l) => [l.ruleId, l.points])).toEqual([
      ['base', 100],
      ['bonus', 21],
      ['double', 121],
    ]);
    const first = evaluateRules([rule('alone', { action: { type: 'multiplier', factor: 3 } })], context());
    expect(first.trace[0]).toMatchObject({ skippedBecause: 'no_points' });
  });
});

// Properties over random programmes: the invariants the ledger relies on.
const conditionArb = fc.constantFrom(
  { all: [] },
  { field: 'event.amount', op: 'gte', value: 5_000 },
  { not: { field: 'event.amount', op: 'lt', value: 20_000 } },
  {
    any: [
      { field: 'date.dayOfWeek', op: 'eq', value: 3 },
      { field: 'event.currency', op: 'eq', value: 'X' },
    ],
  },
) as fc.Arbitrary<EngineRule['condition']>;

const actionArb: fc.Arbitrary<EngineRule['action']> = fc.oneof(
  fc.record({
    type: fc.constant('per_amount' as const),
    points: fc.integer({ min: 1, max: 5 }),
    per: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({ type: fc.constant('fixed' as const), points: fc.integer({ min: 1, max: 500 }) }),
  fc.record({
    type: fc.constant('multiplier' as const),
    factor: fc.integer({ min: 100, max: 400 }).map((n) => n / 100),
  }),
  fc.constant({ type: 'tier_multiplier' as const }),
);

const ruleArb = (i: number): fc.Arbitrary<EngineRule> =>
  fc
    .record({
      priority: fc.integer({ min: 0, max: 5 }),
      stacking: fc.constantFrom('stack' as const, 'stack' as const, 'exclusive' as const),
      condition: conditionArb,
      action: actionArb,
      cap: fc.option(
        fc.record({
          points: fc.integer({ min: 1, max: 300 }),
          period: fc.constantFrom('day' as const, 'lifetime' as const),
        }),
      ),
      qualifying: fc.boolean(),
    })
    .map((r) => rule(`r${i}`, r));

const programmeArb = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(i))));

const amountArb = fc.integer({ min: 0, max: 10_000_000 });
const usedArb = fc.dictionary(fc.constantFrom('r0', 'r1', 'r2', 'r3'), fc.integer({ min: 0, max: 400 }));
const tierArb = fc.option(fc.constantFrom(1, 1.2, 1.5, 2));

function ctxOf(amount: number, used: Record<string, number>, tier: number | null): EngineContext {
  return context(amount, { capUsed: new Map(Object.entries(used)), tierMultiplier: tier });
}

describe('evaluateRules properties', () => {
  it('per_amount is monotone in the amount', () => {
    fc.assert(
      fc.property(
        amountArb,
        amountArb,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 50 }),
        (a, b, points, per) => {
          const r = rule('p', { action: { type: 'per_amount', points, per } });
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(evaluateRules([r], context(low)).total).toBeLessThanOrEqual(
            evaluateRules([r], context(high)).total,
          );
        },
      ),
    );
  });

  it('a capped rule never gives more than its cap leaves', () => {
    fc.assert(
      fc.property(programmeArb, amountArb, usedArb, tierArb, (rules, amount, used, tier) => {
        const result = evaluateRules(rules, ctxOf(amount, used, tier));
        for (const line of result.lines) {
          const cap = rules.find((r) => r.id === line.ruleId)?.cap;
          if (cap)
            expect(line.points).toBeLessThanOrEqual(Math.max(0, cap.points - (used[line.ruleId!] ?? 0)));
        }
      }),
    );
  });

  it('no line follows a line of an exclusive rule', () => {
    fc.assert(
      fc.property(programmeArb, amountArb, usedArb, tierArb, (rules, amount, used, tier) => {
        const { lines } = evaluateRules(rules, ctxOf(amount, used, tier));
        const stop = lines.findIndex((l) => rules.find((r) => r.id === l.ruleId)?.stacking === 'exclusive');
        if (stop >= 0) expect(lines).toHaveLength(stop + 1);
      }),
    );
  });

  it('lines are positive, qualifying only for qualifying rules, and sum to the total', () => {
    fc.assert(
      fc.property(programmeArb, amountArb, usedArb, tierArb, (rules, amount, used, tier) => {
        const result = evaluateRules(rules, ctxOf(amount, used, tier));
        let sum = 0;
        for (const line of result.lines) {
          expect(line.points).toBeGreaterThan(0);
          const qualifying = rules.find((r) => r.id === line.ruleId)?.qualifying;
          expect(line.qualifying).toBe(qualifying ? line.points : 0);
          sum += line.points;
        }
        expect(result.total).toBe(sum);
      }),
    );
  });

  it('the result does not depend on the order rules are given in', () => {
    fc.assert(
      fc.property(
        programmeArb.chain((rules) =>
          fc.tuple(fc.constant(rules), fc.shuffledSubarray(rules, { minLength: rules.length })),
        ),
        amountArb,
        usedArb,
        (pair, amount, used) => {
          const [rules, shuffled] = pair;
          expect(evaluateRules(shuffled, ctxOf(amount, used, 1.5))).toEqual(
            evaluateRules(rules, ctxOf(amount, used, 1.5)),
          );
        },
      ),
    );
  });

  it('a multiplier adds (factor − 1) × the points before it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 100, max: 1_000 }),
        (fixed, hundredths) => {
          const factor = hundredths / 100;
          const rules = fixed.map((points, i) =>
            rule(`f${i}`, { priority: i, action: { type: 'fixed', points } }),
          );
          rules.push(rule('m', { priority: 99, action: { type: 'multiplier', factor } }));
          const { lines, total } = evaluateRules(rules, context());
          const subtotal = fixed.reduce((a, b) => a + b, 0);
          const extra = lines.find((l) => l.ruleId === 'm')?.points ?? 0;
          expect(extra).toBe(Math.floor(Math.round((factor - 1) * subtotal * 1e6) / 1e6));
          expect(total).toBeGreaterThanOrEqual(Math.floor(subtotal * factor - 1e-6));
          expect(total).toBeLessThanOrEqual(subtotal * factor + 1e-6);
        },
      ),
    );
  });
});
