import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import { ingestEvents } from '../modules/events/index.ts';
import { type ItemRecord, saveItems } from '../modules/items/index.ts';
import { existingMemberIds, upsertMember } from '../modules/members/index.ts';
import {
  createImportRun,
  deleteImportRuns,
  fileKeyOf,
  findImportRun,
  MAX_KEPT_REJECTS,
  type RowReject,
  saveImportProgress,
} from './import-runs.ts';
import { IMPORT_ACTOR } from './import-writers.ts';
import { type RetailDay, type RetailInvoice, readRetailDay } from './online-retail.parse.ts';

const KIND = 'online-retail';
const CATEGORY = ['Online Retail'];
const EVENT_CHUNK = 1000;

export interface OnlineRetailOptions {
  restart?: boolean | undefined;
  /** Import only the first `limit` files (in date order). */
  limit?: number | undefined;
  onFile?: (done: number, total: number, file: string) => void;
}

/** Totals over the files this call imported (files finished by an earlier call are only counted). */
export interface OnlineRetailSummary {
  files: number;
  filesAlreadyImported: number;
  rows: number;
  membersCreated: number;
  itemsCreated: number;
  itemsUpdated: number;
  orders: number;
  refunds: number;
  duplicateEvents: number;
  skippedNoCustomer: number;
  rowsRejected: number;
  /** The first rejects, with file and line. */
  rejects: (RowReject & { file: string })[];
}

/** The by-day files of a directory, oldest first (their names are dates). */
export function retailFiles(dir: string, limit?: number): string[] {
  const names = readdirSync(dir)
    .filter((name) => /\.csv(\.gz)?$/i.test(name))
    .sort();
  return names.slice(0, limit ?? names.length).map((name) => join(dir, name));
}

function invoiceEvent(invoice: RetailInvoice) {
  return {
    id: `or-inv-${invoice.invoiceNo}`,
    type: invoice.cancelled ? 'order_refunded' : 'order_paid',
    memberId: invoice.memberId,
    orderId: invoice.invoiceNo,
    occurredAt: new Date(invoice.occurredAt).toISOString(),
    // Cancellations carry negative quantities; the refund is stated as a positive amount.
    amount: { amount: Math.abs(Math.round(invoice.totalPence)), currency: 'GBP' },
    properties: { lines: invoice.lines, quantity: Math.abs(invoice.quantity) },
  };
}

async function writeMembers(ctx: AppContext, trx: Database, day: RetailDay): Promise<number> {
  const ids = [...day.members.keys()];
  const existing = await existingMemberIds(trx, ids);
  for (const [id, member] of day.members) {
    // registeredAt only for new members: their first invoice is the best date the data holds.
    const input = existing.has(id)
      ? { id, region: member.region }
      : { id, region: member.region, registeredAt: new Date(member.firstSeen).toISOString() };
    await upsertMember(ctx, trx, input, IMPORT_ACTOR);
  }
  return ids.length - existing.size;
}

function dayItems(day: RetailDay): ItemRecord[] {
  return [...day.items].map(([id, item]) => ({
    id,
    title: item.title,
    categoryPath: CATEGORY,
    price: { amount: item.pricePence, currency: 'GBP' },
    inStock: true,
  }));
}

interface DayOutcome {
  rows: number;
  skipped: number;
  members: number;
  itemsCreated: number;
  itemsUpdated: number;
  orders: number;
  refunds: number;
  duplicates: number;
  rejects: RowReject[];
}

/** Orders and refunds go in separately, so each count is of events really stored (not duplicates). */
async function writeEvents(
  ctx: AppContext,
  trx: Database,
  day: RetailDay,
  outcome: DayOutcome,
): Promise<void> {
  const invoices = [...day.invoices.values()];
  for (const cancelled of [false, true]) {
    const group = invoices.filter((invoice) => invoice.cancelled === cancelled);
    for (let start = 0; start < group.length; start += EVENT_CHUNK) {
      const chunk = group.slice(start, start + EVENT_CHUNK);
      const result = await ingestEvents(ctx, chunk.map(invoiceEvent), {
        db: trx,
        mode: 'lenient',
        autoCreateMembers: false,
        imported: true,
      });
      for (const r of result.rejected) {
        outcome.rejects.push({ line: (chunk[r.index] as RetailInvoice).firstLine, errors: [r.message] });
      }
      if (cancelled) outcome.refunds += result.accepted;
      else outcome.orders += result.accepted;
      outcome.duplicates += result.duplicates;
    }
  }
}

/** One file in one transaction, its run marked done in the same transaction: resumable per file. */
async function importDay(ctx: AppContext, file: string, restart: boolean): Promise<DayOutcome | null> {
  const fileKey = await fileKeyOf(file);
  if (restart) await deleteImportRuns(ctx.db, KIND, fileKey);
  const previous = await findImportRun(ctx.db, KIND, fileKey);
  if (previous?.status === 'done') return null;
  const run = previous ?? (await createImportRun(ctx.db, KIND, fileKey, ctx.clock.now()));
  const day = await readRetailDay(file);
  const outcome: DayOutcome = {
    rows: day.records,
    skipped: day.skippedNoCustomer,
    members: 0,
    itemsCreated: 0,
    itemsUpdated: 0,
    orders: 0,
    refunds: 0,
    duplicates: 0,
    rejects: [...day.rejects],
  };
  await ctx.db.transaction().execute(async (trx) => {
    outcome.members = await writeMembers(ctx, trx, day);
    const items = await saveItems(ctx, trx, dayItems(day));
    outcome.itemsCreated = items.created;
    outcome.itemsUpdated = items.updated;
    await writeEvents(ctx, trx, day, outcome);
    const rejects = outcome.rejects.sort((a, b) => a.line - b.line);
    const progress = {
      ...run,
      linesDone: day.records,
      rowsOk: day.used,
      rowsRejected: rejects.length,
      rejects: rejects.slice(0, MAX_KEPT_REJECTS),
      status: 'done' as const,
    };
    await saveImportProgress(trx, progress, ctx.clock.now(), true);
  });
  return outcome;
}

/**
 * Imports UCI Online Retail by-day files: customers become members `or-<CustomerID>`, stock
 * codes items, each invoice an `order_paid` event (a `C` invoice an `order_refunded` one).
 */
export async function importOnlineRetail(
  ctx: AppContext,
  dir: string,
  options: OnlineRetailOptions = {},
): Promise<OnlineRetailSummary> {
  const files = retailFiles(dir, options.limit);
  const summary: OnlineRetailSummary = {
    files: files.length,
    filesAlreadyImported: 0,
    rows: 0,
    membersCreated: 0,
    itemsCreated: 0,
    itemsUpdated: 0,
    orders: 0,
    refunds: 0,
    duplicateEvents: 0,
    skippedNoCustomer: 0,
    rowsRejected: 0,
    rejects: [],
  };
  for (const [index, file] of files.entries()) {
    const outcome = await importDay(ctx, file, options.restart ?? false);
    options.onFile?.(index + 1, files.length, file);
    if (!outcome) {
      summary.filesAlreadyImported += 1;
      continue;
    }
    summary.rows += outcome.rows;
    summary.membersCreated += outcome.members;
    summary.itemsCreated += outcome.itemsCreated;
    summary.itemsUpdated += outcome.itemsUpdated;
    summary.orders += outcome.orders;
    summary.refunds += outcome.refunds;
    summary.duplicateEvents += outcome.duplicates;
    summary.skippedNoCustomer += outcome.skipped;
    summary.rowsRejected += outcome.rejects.length;
    const room = MAX_KEPT_REJECTS - summary.rejects.length;
    if (room > 0) summary.rejects.push(...outcome.rejects.slice(0, room).map((r) => ({ ...r, file })));
  }
  return summary;
}
