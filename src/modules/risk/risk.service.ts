import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import {
  computeFeatures,
  type FeatureSources,
  type MemberFacts,
  normaliseAddress,
  pseudonym,
} from './risk.features.ts';
import { ipCountryLookup } from './risk.ip-ranges.ts';
import { matchLists } from './risk.lists.ts';
import { velocityStoreFor } from './risk.online-store.ts';
import { scoreScenario } from './risk.rules.ts';
import { liveScenarios } from './risk.scenarios.ts';
import type { RiskCheckInput, RiskCheckResult, RiskReason } from './risk.types.ts';

// A risk check: the features of the attempt (recording it in the velocity store), the live
// scenario of its action, the allow and block lists, then one transaction that stores the
// decision with everything it saw and, for a review, opens a case. The score is 0–100 with the
// reasons that made it; the caller acts on `decision`.

async function memberFacts(ctx: AppContext, memberId: string): Promise<MemberFacts | null> {
  const row = await ctx.db
    .selectFrom('members')
    .leftJoin('memberProfiles', 'memberProfiles.memberId', 'members.id')
    .select([
      'members.registeredAt',
      'memberProfiles.orders',
      'memberProfiles.revenue',
      'memberProfiles.refunds',
    ])
    .where('members.id', '=', memberId)
    .where('members.deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    registeredAt: Number(row.registeredAt),
    orders: Number(row.orders ?? 0),
    revenue: Number(row.revenue ?? 0),
    refunds: Number(row.refunds ?? 0),
  };
}

/** Where a check's features come from in this process. */
export async function featureSources(ctx: AppContext): Promise<FeatureSources> {
  return {
    velocity: await velocityStoreFor(ctx),
    hashKey: ctx.crypto.blindIndexKey,
    ipCountry: await ipCountryLookup(ctx),
    member: (memberId) => memberFacts(ctx, memberId),
  };
}

/** The request as stored: the shipping address only as its keyed hash. */
function storedInputs(ctx: AppContext, input: RiskCheckInput): Record<string, unknown> {
  const { shippingAddress, ...context } = input.context;
  return {
    ...input,
    context: {
      ...context,
      ...(shippingAddress
        ? {
            shippingAddressHash: pseudonym(
              ctx.crypto.blindIndexKey,
              'address',
              normaliseAddress(shippingAddress),
            ),
          }
        : {}),
    },
  };
}

/** Decides one attempt and stores the decision (and a case when it goes to review). */
export async function checkRisk(ctx: AppContext, input: RiskCheckInput): Promise<RiskCheckResult> {
  const at = ctx.clock.now();
  const [sources, scenarios, hit] = await Promise.all([
    featureSources(ctx),
    liveScenarios(ctx),
    matchLists(ctx.db, input, at),
  ]);
  const features = await computeFeatures(input, at, sources);
  const scenario = scenarios.get(input.action) ?? null;
  const scored = scenario
    ? scoreScenario(scenario.definition, features)
    : { score: 0, decision: 'allow' as const, reasons: [] as RiskReason[] };
  let { score, decision, reasons } = scored;
  if (hit?.list === 'block') {
    score = 100;
    decision = 'block';
    reasons = [hit.reason, ...reasons];
  } else if (hit?.list === 'allow') {
    decision = 'allow';
    reasons = [hit.reason, ...reasons];
  }
  const decisionId = newId('dec');
  const caseId = decision === 'review' ? newId('case') : null;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('riskDecisions')
      .values({
        id: decisionId,
        action: input.action,
        memberId: input.memberId ?? null,
        orderId: input.orderId ?? null,
        deviceId: input.context.deviceId ?? null,
        ip: input.context.ip ?? null,
        decision,
        score,
        reasons: JSON.stringify(reasons),
        inputs: JSON.stringify(storedInputs(ctx, input)),
        features: JSON.stringify(features),
        scenarioId: scenario ? input.action : null,
        scenarioVersion: scenario?.version ?? null,
        modelId: null,
        label: null,
        labelSource: null,
        labelledAt: null,
        createdAt: at,
      })
      .execute();
    if (caseId)
      await trx
        .insertInto('riskCases')
        .values({
          id: caseId,
          decisionId,
          memberId: input.memberId ?? null,
          action: input.action,
          score,
          status: 'open',
          assignee: null,
          resolution: null,
          note: null,
          createdAt: at,
          updatedAt: at,
          resolvedAt: null,
          resolvedBy: null,
          version: 1,
        })
        .execute();
  });
  return {
    decisionId,
    action: input.action,
    decision,
    score,
    reasons,
    scenario: scenario ? { action: input.action, version: scenario.version } : null,
    caseId,
  };
}
