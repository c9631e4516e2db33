import type { AppContext } from '../context.ts';
import { parseFieldMap, RecordShaper } from './field-mapping.ts';
import {
  createImportRun,
  deleteImportRuns,
  fileKeyOf,
  findImportRun,
  type ImportRun,
  MAX_KEPT_REJECTS,
  type RowReject,
  saveImportProgress,
} from './import-runs.ts';
import { formatOf, openRecords, type SourceRecord } from './import-source.ts';
import { IMPORT_WRITERS, type ImportKind, type ImportRow, type ImportWriter } from './import-writers.ts';

/** Where an import stands, for a progress bar. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  /** Records handled by this invocation (skipped ones of a resumed run not counted). */
  rows: number;
}

export interface ImportFileOptions {
  kind: ImportKind;
  file: string;
  format?: string | undefined;
  /** `field=column,...` (see parseFieldMap). */
  map?: string | undefined;
  /** Records per transaction, 1–1000 (default 1000). */
  batchSize?: number | undefined;
  /** Forget saved progress and start at the first record. */
  restart?: boolean | undefined;
  onProgress?: (progress: ImportProgress) => void;
  /** Called after each committed batch (tests throw here to simulate a crash). */
  afterBatch?: (batchNumber: number) => void | Promise<void>;
}

export interface ImportSummary {
  kind: ImportKind;
  file: string;
  /** `already-imported`: a finished run of this same file exists; nothing was done. */
  status: 'completed' | 'already-imported';
  /** Records skipped because an earlier run had committed them. */
  resumedAfter: number;
  linesDone: number;
  rowsOk: number;
  rowsRejected: number;
  /** The first rejects (at most 1,000), with line numbers and reasons. */
  rejects: RowReject[];
  /** CSV columns that name no field and were left out. */
  ignoredColumns: string[];
}

/** Collects a batch of records and commits it, with the run's progress, in one transaction. */
class BatchCommitter {
  private rows: ImportRow[] = [];
  private rejects: RowReject[] = [];
  private lastIndex = 0;
  private batches = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly writer: ImportWriter,
    private readonly run: ImportRun,
    private readonly options: ImportFileOptions,
  ) {}

  get size(): number {
    return this.rows.length + this.rejects.length;
  }

  add(record: SourceRecord, row: ImportRow | null): void {
    if (row) this.rows.push(row);
    else this.rejects.push({ line: record.line, errors: [record.error ?? 'unreadable'] });
    this.lastIndex = record.index;
  }

  async commit(final: boolean): Promise<void> {
    const { ctx, run } = this;
    const rows = this.rows;
    const next = { ...run };
    await ctx.db.transaction().execute(async (trx) => {
      const outcome = rows.length > 0 ? await this.writer.write(ctx, trx, rows) : { ok: 0, rejects: [] };
      const rejects = [...this.rejects, ...outcome.rejects].sort((a, b) => a.line - b.line);
      next.linesDone = Math.max(run.linesDone, this.lastIndex);
      next.rowsOk += outcome.ok;
      next.rowsRejected += rejects.length;
      const room = MAX_KEPT_REJECTS - run.rejects.length;
      next.rejects =
        room > 0 && rejects.length > 0 ? [...run.rejects, ...rejects.slice(0, room)] : run.rejects;
      next.status = final ? 'done' : 'running';
      await saveImportProgress(trx, next, ctx.clock.now(), next.rejects !== run.rejects);
    });
    Object.assign(run, next);
    this.rows = [];
    this.rejects = [];
    this.batches += 1;
    if (!final && this.options.afterBatch) await this.options.afterBatch(this.batches);
  }
}

async function startRun(
  ctx: AppContext,
  kind: ImportKind,
  file: string,
  restart: boolean,
): Promise<ImportRun> {
  const fileKey = await fileKeyOf(file);
  if (restart) await deleteImportRuns(ctx.db, kind, fileKey);
  const existing = restart ? undefined : await findImportRun(ctx.db, kind, fileKey);
  return existing ?? createImportRun(ctx.db, kind, fileKey, ctx.clock.now());
}

/**
 * Imports one CSV or JSONL file (gzip when it ends in .gz) in batches through the same
 * validation and services as the API. Progress commits with each batch, so after a crash a
 * rerun skips exactly the committed records; rejected rows are counted and kept, not fatal.
 */
export async function importFile(ctx: AppContext, options: ImportFileOptions): Promise<ImportSummary> {
  const writer = IMPORT_WRITERS[options.kind];
  const format = formatOf(options.file, options.format);
  const batchSize = Math.min(1000, Math.max(1, Math.trunc(options.batchSize ?? 1000)));
  const shaper = new RecordShaper(writer.schema, format, parseFieldMap(options.map));
  const run = await startRun(ctx, options.kind, options.file, options.restart ?? false);
  const resumedAfter = run.linesDone;
  const summary = (status: ImportSummary['status']): ImportSummary => ({
    kind: options.kind,
    file: options.file,
    status,
    resumedAfter,
    linesDone: run.linesDone,
    rowsOk: run.rowsOk,
    rowsRejected: run.rowsRejected,
    rejects: run.rejects,
    ignoredColumns: [...shaper.ignoredColumns],
  });
  if (run.status === 'done') return summary('already-imported');

  const source = openRecords(options.file, format);
  const batch = new BatchCommitter(ctx, writer, run, options);
  let rows = 0;
  for await (const record of source.records) {
    if (record.index <= resumedAfter) continue;
    batch.add(
      record,
      record.error === undefined ? { line: record.line, value: shaper.shape(record.value) } : null,
    );
    rows += 1;
    if (batch.size >= batchSize) {
      await batch.commit(false);
      options.onProgress?.({ bytesRead: source.bytesRead(), totalBytes: source.totalBytes, rows });
    }
  }
  await batch.commit(true);
  options.onProgress?.({ bytesRead: source.totalBytes, totalBytes: source.totalBytes, rows });
  return summary('completed');
}
