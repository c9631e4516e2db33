import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { createJob } from '../jobs/index.ts';
import * as repo from './models.repository.ts';
import type { ModelsTable } from './models.table.ts';
import { MODEL_KINDS, type ModelDto, type NewModel, type StoredModel } from './models.types.ts';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

function toDto(row: Omit<ModelsTable, 'artifact'>): ModelDto {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state as ModelDto['state'],
    createdAt: iso(row.createdAt),
    dataThrough: iso(row.dataThrough),
    params: JSON.parse(row.params),
    metrics: JSON.parse(row.metrics),
  };
}

function toStored(row: ModelsTable): StoredModel {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state as StoredModel['state'],
    createdAt: Number(row.createdAt),
    dataThrough: Number(row.dataThrough),
    params: JSON.parse(row.params),
    metrics: JSON.parse(row.metrics),
    artifact: row.artifact,
  };
}

/**
 * Saves a model as the active one of its kind, retiring the previous active one in the same
 * transaction (so readers see exactly one active model of a kind at any time).
 */
export async function saveModel(ctx: AppContext, model: NewModel): Promise<StoredModel> {
  const [saved] = await saveModelSet(ctx, [model]);
  return saved as StoredModel;
}

/**
 * Saves models of one kind that serve together (the variants of an A/B experiment): in one
 * transaction every active model of the kind is retired and these become the active ones.
 */
export async function saveModelSet(ctx: AppContext, models: readonly NewModel[]): Promise<StoredModel[]> {
  const kinds = new Set(models.map((m) => m.kind));
  if (kinds.size !== 1) throw new Error('a model set holds models of exactly one kind');
  const now = ctx.clock.now();
  const rows: ModelsTable[] = models.map((model) => ({
    id: newId('mdl'),
    kind: model.kind,
    state: 'active',
    createdAt: now,
    dataThrough: model.dataThrough,
    params: JSON.stringify(model.params),
    metrics: JSON.stringify(model.metrics),
    artifact: model.artifact,
    jobId: model.jobId ?? null,
  }));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.retireActiveModels(trx, rows[0]!.kind);
    for (const row of rows) await repo.insertModelRow(trx, row);
  });
  return rows.map(toStored);
}

/** Every active model of a kind (with artifacts), newest first: one, or an experiment's set. */
export async function activeModels(db: Database, kind: string): Promise<StoredModel[]> {
  const rows = await repo.findActiveModelRows(db, kind);
  return rows.map(toStored);
}

/** A model with its artifact, or null. */
export async function findModel(db: Database, id: string): Promise<StoredModel | null> {
  const row = await repo.findModelRow(db, id);
  return row ? toStored(row) : null;
}

/** The active model of a kind (with its artifact), or null when none was trained. */
export async function latestActiveModel(db: Database, kind: string): Promise<StoredModel | null> {
  const row = await repo.findActiveModelRow(db, kind);
  return row ? toStored(row) : null;
}

/** The API view of a model; 404 MODEL_NOT_FOUND. */
export async function getModel(ctx: AppContext, id: string): Promise<ModelDto> {
  const row = await repo.findModelRow(ctx.db, id);
  if (!row) throw appError(Errors.MODEL_NOT_FOUND);
  return toDto(row);
}

/** The API view of a stored model. */
export function modelDto(model: StoredModel): ModelDto {
  return toDto({
    ...model,
    params: JSON.stringify(model.params),
    metrics: JSON.stringify(model.metrics),
    jobId: null,
  });
}

/** Models newest first, optionally of one kind. */
export async function listModels(
  ctx: AppContext,
  query: { kind?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ data: ModelDto[]; nextCursor: string | null }> {
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await repo.listModelRows(ctx.db, query.kind, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [Number(r.createdAt), r.id]);
  return { data: page.data.map(toDto), nextCursor: page.nextCursor };
}

/** Queues the training job of a kind; 400 MODEL_KIND_UNKNOWN for others. */
export async function queueTraining(
  ctx: AppContext,
  kind: string,
  params: unknown,
  createdBy: string | null,
): Promise<string> {
  const type = (MODEL_KINDS as Record<string, string>)[kind];
  if (type === undefined)
    throw appError(
      Errors.MODEL_KIND_UNKNOWN,
      `No model kind "${kind}"; known: ${Object.keys(MODEL_KINDS).join(', ')}`,
    );
  return (await createJob(ctx, type, params ?? {}, createdBy)).id;
}
