import { sql } from 'kysely';
import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { eventSchema, ingestEvents } from '../modules/events/index.ts';
import { type ItemRecord, itemSchema, saveItems } from '../modules/items/index.ts';
import { memberInputSchema, upsertMember } from '../modules/members/index.ts';
import type { RowReject } from './import-runs.ts';

export const IMPORT_KINDS = ['members', 'items', 'events'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** A shaped source row and where it came from. */
export interface ImportRow {
  line: number;
  value: unknown;
}

export interface BatchOutcome {
  ok: number;
  rejects: RowReject[];
}

/** How one kind of row is validated and written: through the same schema and service as the API. */
export interface ImportWriter {
  schema: z.ZodType;
  write(ctx: AppContext, trx: Database, rows: readonly ImportRow[]): Promise<BatchOutcome>;
}

/** Who the audit log names for imported changes. */
export const IMPORT_ACTOR = { actorType: 'system', actorId: 'import' } as const;

export function issueMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(row)'}: ${issue.message}`);
}

/**
 * Runs `work` under a savepoint, so one row's failure (a taken email) undoes only that row's
 * writes and the batch's transaction carries on — PostgreSQL would otherwise refuse every
 * statement after the error.
 */
async function withSavepoint<T>(trx: Database, work: () => Promise<T>): Promise<T> {
  await sql`savepoint import_row`.execute(trx);
  try {
    const result = await work();
    await sql`release savepoint import_row`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint import_row`.execute(trx);
    await sql`release savepoint import_row`.execute(trx);
    throw error;
  }
}

const membersWriter: ImportWriter = {
  schema: memberInputSchema,
  async write(ctx, trx, rows) {
    const outcome: BatchOutcome = { ok: 0, rejects: [] };
    for (const row of rows) {
      const parsed = memberInputSchema.safeParse(row.value);
      if (!parsed.success) {
        outcome.rejects.push({ line: row.line, errors: issueMessages(parsed.error) });
        continue;
      }
      try {
        await withSavepoint(trx, () => upsertMember(ctx, trx, parsed.data, IMPORT_ACTOR));
        outcome.ok += 1;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        outcome.rejects.push({ line: row.line, errors: [`${error.code}: ${error.message}`] });
      }
    }
    return outcome;
  },
};

const itemsWriter: ImportWriter = {
  schema: itemSchema,
  async write(ctx, trx, rows) {
    const outcome: BatchOutcome = { ok: 0, rejects: [] };
    // Within a batch the last row for an id wins, as it would if the rows came one by one.
    const byId = new Map<string, ItemRecord>();
    for (const row of rows) {
      const parsed = itemSchema.safeParse(row.value);
      if (!parsed.success) {
        outcome.rejects.push({ line: row.line, errors: issueMessages(parsed.error) });
        continue;
      }
      byId.delete(parsed.data.id);
      byId.set(parsed.data.id, parsed.data);
      outcome.ok += 1;
    }
    await saveItems(ctx, trx, [...byId.values()]);
    return outcome;
  },
};

const eventsWriter: ImportWriter = {
  schema: eventSchema,
  async write(ctx, trx, rows) {
    const result = await ingestEvents(
      ctx,
      rows.map((row) => row.value),
      { db: trx, mode: 'lenient', pathPrefix: '', imported: true },
    );
    const byIndex = new Map<number, string[]>();
    for (const r of result.rejected) byIndex.set(r.index, [...(byIndex.get(r.index) ?? []), r.message]);
    const rejects = [...byIndex].map(([index, errors]) => ({
      line: (rows[index] as ImportRow).line,
      errors,
    }));
    return { ok: rows.length - rejects.length, rejects };
  },
};

export const IMPORT_WRITERS: Readonly<Record<ImportKind, ImportWriter>> = {
  members: membersWriter,
  items: itemsWriter,
  events: eventsWriter,
};
