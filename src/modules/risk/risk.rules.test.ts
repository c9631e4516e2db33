import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS } from './risk.default-scenarios.ts';
import { FEATURE_CATALOGUE } from './risk.features.ts';
import { decide, holds, scoreScenario, unknownFeatureNames } from './risk.rules.ts';
import { RISK_ACTIONS, type ScenarioDefinition, scenarioDefinitionSchema } from './risk.types.ts';

const f = (values: Record<string, number | string | null>) => values;

describe('conditions', () => {
  it('compares numbers with every operator', () => {
    const x = f({ n: 5 });
    expect(holds({ feature: 'n', op: '>', value: 4 }, x)).toBe(true);
    expect(holds({ feature: 'n', op: '>', value: 5 }, x)).toBe(false);
    expect(holds({ feature: 'n', op: '>=', value: 5 }, x)).toBe(true);
    expect(holds({ feature: 'n', op: '<', value: 5 }, x)).toBe(false);
    expect(holds({ feature: 'n', op: '<=', value: 5 }, x)).toBe(true);
    expect(holds({ feature: 'n', op: '==', value: 5 }, x)).toBe(true);
    expect(holds({ feature: 'n', op: '!=', value: 5 }, x)).toBe(false);
  });

  it('compares a feature with another feature and strings for equality only', () => {
    const x = f({ a: 3, b: 7, country: 'CN', declared: 'CN' });
    expect(holds({ feature: 'a', op: '<', other: 'b' }, x)).toBe(true);
    expect(holds({ feature: 'country', op: '==', other: 'declared' }, x)).toBe(true);
    expect(holds({ feature: 'country', op: '!=', value: 'US' }, x)).toBe(true);
    expect(holds({ feature: 'country', op: '>', value: 'AA' }, x)).toBe(false);
  });

  it('never fires on an unknown feature, not even through not', () => {
    const x = f({ known: 1, missing: null });
    expect(holds({ feature: 'missing', op: '!=', value: 1 }, x)).toBe(false);
    expect(holds({ not: { feature: 'missing', op: '>', value: 1 } }, x)).toBe(false);
    expect(holds({ feature: 'absent', op: '<', value: 1 }, x)).toBe(false);
    // all: one unknown makes it unknown unless another part is false; any: true wins.
    expect(
      holds(
        {
          all: [
            { feature: 'known', op: '==', value: 1 },
            { feature: 'missing', op: '==', value: 1 },
          ],
        },
        x,
      ),
    ).toBe(false);
    expect(
      holds(
        {
          any: [
            { feature: 'known', op: '==', value: 1 },
            { feature: 'missing', op: '==', value: 1 },
          ],
        },
        x,
      ),
    ).toBe(true);
    expect(
      holds(
        {
          not: {
            all: [
              { feature: 'known', op: '==', value: 2 },
              { feature: 'missing', op: '==', value: 1 },
            ],
          },
        },
        x,
      ),
    ).toBe(true);
  });

  it('names the features a condition uses that the catalogue lacks', () => {
    expect(
      unknownFeatureNames({
        all: [
          { feature: 'ip.members.24h', op: '>=', value: 5 },
          { not: { feature: 'ip.memebrs.1h', op: '>', value: 1 } },
          { feature: 'amount', op: '>', other: 'nope' },
        ],
      }),
    ).toEqual(['ip.memebrs.1h', 'nope']);
  });
});

describe('scoring a scenario', () => {
  const scenario: ScenarioDefinition = {
    name: 'test',
    reviewAt: 50,
    blockAt: 80,
    rules: [
      { code: 'BIG', description: 'big', when: { feature: 'amount', op: '>=', value: 1000 }, score: 40 },
      {
        code: 'SHARED',
        description: 'shared',
        when: { feature: 'device.members.7d', op: '>=', value: 3 },
        score: 30,
      },
      {
        code: 'TRUSTED',
        description: 'trusted',
        when: { feature: 'member.orders', op: '>=', value: 5 },
        score: -20,
      },
      { code: 'HUGE', description: 'huge', when: { feature: 'amount', op: '>=', value: 100_000 }, score: 60 },
    ],
  };

  it('adds the modifiers of the rules that fire and decides by the thresholds', () => {
    expect(scoreScenario(scenario, f({ amount: 10 }))).toEqual({ score: 0, decision: 'allow', reasons: [] });
    const review = scoreScenario(scenario, f({ amount: 2000, 'device.members.7d': 3 }));
    expect(review.score).toBe(70);
    expect(review.decision).toBe('review');
    expect(review.reasons.map((r) => [r.code, r.contribution])).toEqual([
      ['BIG', 40],
      ['SHARED', 30],
    ]);
    const trusted = scoreScenario(scenario, f({ amount: 2000, 'device.members.7d': 3, 'member.orders': 9 }));
    expect(trusted.score).toBe(50);
    expect(trusted.reasons.map((r) => r.code)).toEqual(['BIG', 'SHARED', 'TRUSTED']);
  });

  it('clamps to 0–100 and keeps the contributions as the rules added them', () => {
    const all = scoreScenario(scenario, f({ amount: 200_000, 'device.members.7d': 9 }));
    expect(all.score).toBe(100);
    expect(all.decision).toBe('block');
    expect(all.reasons.reduce((sum, r) => sum + r.contribution, 0)).toBe(130);
    expect(scoreScenario(scenario, f({ amount: 1, 'member.orders': 9 })).score).toBe(0);
  });

  it('maps a score to a decision at the thresholds', () => {
    expect([49, 50, 79, 80].map((s) => decide(s, { reviewAt: 50, blockAt: 80 }))).toEqual([
      'allow',
      'review',
      'review',
      'block',
    ]);
  });
});

describe('default scenarios', () => {
  it('are valid and name only catalogue features, for every action', () => {
    for (const action of RISK_ACTIONS) {
      const scenario = DEFAULT_SCENARIOS[action];
      expect(scenarioDefinitionSchema.safeParse(scenario).success).toBe(true);
      for (const rule of scenario.rules) expect(unknownFeatureNames(rule.when)).toEqual([]);
      for (const rule of scenario.rules) expect(rule.descriptionZh).toBeTruthy();
    }
    expect(Object.keys(FEATURE_CATALOGUE).length).toBeGreaterThan(40);
  });

  it('send a one-minute-old account’s order to review and add shared-device signals up to block', () => {
    const order = DEFAULT_SCENARIOS.order;
    const base = { 'account.ageHours': 0.01, amount: 5000 };
    expect(scoreScenario(order, f(base)).decision).toBe('review');
    expect(scoreScenario(order, f({ ...base, 'device.members.7d': 12 })).decision).toBe('block');
    expect(
      scoreScenario(
        order,
        f({ 'account.ageHours': 5000, amount: 5000, 'member.orders': 10, 'member.refundRate': 0 }),
      ),
    ).toMatchObject({
      score: 0,
      decision: 'allow',
    });
  });
});

describe('scenario definitions', () => {
  it('list every bad field of the rules', () => {
    const parsed = scenarioDefinitionSchema.safeParse({
      name: 'x',
      reviewAt: 50,
      blockAt: 80,
      rules: [
        { code: 'lower', description: 'c', when: { feature: 'amount', op: '~', value: 2 }, score: 500 },
        { code: 'OK_CODE', description: '', when: { feature: 'amount', op: '>', value: 2 }, score: 5 },
      ],
    });
    const paths = parsed.error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['rules.0.code', 'rules.0.when', 'rules.0.score', 'rules.1.description']),
    );
  });

  it('refuse thresholds out of order and duplicate rule codes, together', () => {
    const rule = { description: 'a', when: { feature: 'amount', op: '>', value: 1 }, score: 10 };
    const parsed = scenarioDefinitionSchema.safeParse({
      name: 'x',
      reviewAt: 60,
      blockAt: 50,
      rules: [
        { ...rule, code: 'SAME' },
        { ...rule, code: 'SAME' },
      ],
    });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['blockAt', 'rules.1.code']);
  });
});
