import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import type { RiskReason } from './risk.types.ts';

// The review queue: a decision sent to review opens a case (risk.service.ts). Analysts assign it,
// comment, and resolve it as fraud or legit; the resolution labels the decision, which is what
// the models learn from. Every change is audited and bumps the case's version, so two analysts
// working the same case cannot silently overwrite each other (409 RISK_CASE_CONFLICT).

export type CaseStatus = 'open' | 'resolved';
export type CaseLabel = 'fraud' | 'legit';

export interface CaseSummary {
  id: string;
  decisionId: string;
  memberId: string | null;
  action: string;
  score: number;
  status: CaseStatus;
  assignee: string | null;
  resolution: CaseLabel | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface CaseComment {
  id: string;
  author: string;
  text: string;
  createdAt: number;
}

export interface CaseDetail extends CaseSummary {
  note: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  decision: {
    decision: string;
    reasons: RiskReason[];
    features: Record<string, unknown>;
    inputs: Record<string, unknown>;
    scenarioVersion: number | null;
    createdAt: number;
  };
  comments: CaseComment[];
}

type CaseRow = Awaited<ReturnType<typeof findCaseRow>>;

function findCaseRow(db: Database, id: string) {
  return db.selectFrom('riskCases').selectAll().where('id', '=', id).executeTakeFirst();
}

function toSummary(row: NonNullable<CaseRow>): CaseSummary {
  return {
    id: row.id,
    decisionId: row.decisionId,
    memberId: row.memberId,
    action: row.action,
    score: Number(row.score),
    status: row.status as CaseStatus,
    assignee: row.assignee,
    resolution: row.resolution as CaseLabel | null,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
    version: Number(row.version),
  };
}

/** Cases newest first, filtered by status and assignee; keyset-paged. */
export async function listCases(
  db: Database,
  query: {
    status?: CaseStatus | undefined;
    assignee?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ data: CaseSummary[]; nextCursor: string | null }> {
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  let q = db.selectFrom('riskCases').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.assignee) q = q.where('assignee', '=', query.assignee);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('createdAt', '<', after[0]),
        eb.and([eb('createdAt', '=', after[0]), eb('id', '<', after[1])]),
      ]),
    );
  const rows = await q
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit, (row) => [Number(row.createdAt), row.id]);
  return { data: page.data.map(toSummary), nextCursor: page.nextCursor };
}

/** A case with its decision (reasons, features, inputs) and comments; RISK_CASE_NOT_FOUND. */
export async function getCase(db: Database, id: string): Promise<CaseDetail> {
  const row = await findCaseRow(db, id);
  if (!row) throw appError(Errors.RISK_CASE_NOT_FOUND);
  const [decision, comments] = await Promise.all([
    db.selectFrom('riskDecisions').selectAll().where('id', '=', row.decisionId).executeTakeFirstOrThrow(),
    db
      .selectFrom('riskCaseComments')
      .selectAll()
      .where('caseId', '=', id)
      .orderBy('createdAt')
      .orderBy('id')
      .execute(),
  ]);
  return {
    ...toSummary(row),
    note: row.note,
    resolvedAt: row.resolvedAt === null ? null : Number(row.resolvedAt),
    resolvedBy: row.resolvedBy,
    decision: {
      decision: decision.decision,
      reasons: JSON.parse(decision.reasons) as RiskReason[],
      features: JSON.parse(decision.features) as Record<string, unknown>,
      inputs: JSON.parse(decision.inputs) as Record<string, unknown>,
      scenarioVersion: decision.scenarioVersion === null ? null : Number(decision.scenarioVersion),
      createdAt: Number(decision.createdAt),
    },
    comments: comments.map((c) => ({
      id: c.id,
      author: c.author,
      text: c.text,
      createdAt: Number(c.createdAt),
    })),
  };
}

export interface CaseActor {
  actorType: string;
  actorId: string;
}

/**
 * Applies one change to a case, in a transaction with its audit entry. With `version` (the
 * caller's last read) a change made since is RISK_CASE_CONFLICT; RISK_CASE_RESOLVED when the case
 * is closed and the change needs it open.
 */
async function changeCase(
  ctx: AppContext,
  id: string,
  expected: number | undefined,
  actor: CaseActor,
  action: string,
  change: (trx: Database, row: NonNullable<CaseRow>, now: number) => Promise<Record<string, unknown>>,
): Promise<CaseDetail> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await findCaseRow(trx, id);
    if (!row) throw appError(Errors.RISK_CASE_NOT_FOUND);
    const version = Number(row.version);
    if (expected !== undefined && version !== expected) throw appError(Errors.RISK_CASE_CONFLICT);
    const now = ctx.clock.now();
    const details = await change(trx, row, now);
    const bumped = await trx
      .updateTable('riskCases')
      .set({ version: version + 1, updatedAt: now })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(bumped.numUpdatedRows) !== 1) throw appError(Errors.RISK_CASE_CONFLICT);
    await appendAudit(ctx, trx, { ...actor, action, targetType: 'risk_case', targetId: id, details });
  });
  return getCase(ctx.db, id);
}

/** Assigns an open case (to null: unassigns). */
export function assignCase(
  ctx: AppContext,
  id: string,
  input: { version?: number | undefined; assignee: string | null },
  actor: CaseActor,
): Promise<CaseDetail> {
  return changeCase(ctx, id, input.version, actor, 'risk.case.assign', async (trx, row) => {
    if (row.status !== 'open') throw appError(Errors.RISK_CASE_RESOLVED);
    if (input.assignee !== null) {
      const operator = await trx
        .selectFrom('operators')
        .select('id')
        .where('id', '=', input.assignee)
        .executeTakeFirst();
      if (!operator)
        throw appError(Errors.VALIDATION_FAILED, undefined, [
          { path: 'assignee', message: 'no such operator' },
        ]);
    }
    await trx.updateTable('riskCases').set({ assignee: input.assignee }).where('id', '=', id).execute();
    return { assignee: input.assignee };
  });
}

/** Adds a comment (open or resolved cases alike: notes after the fact are normal). */
export function commentOnCase(
  ctx: AppContext,
  id: string,
  input: { version?: number | undefined; text: string },
  actor: CaseActor,
): Promise<CaseDetail> {
  return changeCase(ctx, id, input.version, actor, 'risk.case.comment', async (trx, _row, now) => {
    await trx
      .insertInto('riskCaseComments')
      .values({ id: newId('cmt'), caseId: id, author: actor.actorId, text: input.text, createdAt: now })
      .execute();
    return { length: input.text.length };
  });
}

/** Resolves an open case as fraud or legit and labels its decision (source `case`). */
export function resolveCase(
  ctx: AppContext,
  id: string,
  input: { version?: number | undefined; label: CaseLabel; note?: string | undefined },
  actor: CaseActor,
): Promise<CaseDetail> {
  return changeCase(ctx, id, input.version, actor, 'risk.case.resolve', async (trx, row, now) => {
    if (row.status !== 'open') throw appError(Errors.RISK_CASE_RESOLVED);
    await trx
      .updateTable('riskCases')
      .set({
        status: 'resolved',
        resolution: input.label,
        note: input.note ?? null,
        resolvedAt: now,
        resolvedBy: actor.actorId,
      })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('riskDecisions')
      .set({ label: input.label, labelSource: 'case', labelledAt: now })
      .where('id', '=', row.decisionId)
      .execute();
    return { label: input.label };
  });
}
