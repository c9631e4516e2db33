import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { Database } from '../db/database.ts';
import { newId } from '../lib/ids.ts';
import { parseJsonColumn } from '../lib/json.ts';

/** A row that was not imported, with why. */
export interface RowReject {
  line: number;
  errors: string[];
}

/** At most this many rejects are kept per run; the count keeps going. */
export const MAX_KEPT_REJECTS = 1000;

/** Saved progress of one file's import. */
export interface ImportRun {
  id: string;
  kind: string;
  fileKey: string;
  /** Data records consumed so far (imported or rejected); a resumed run skips this many. */
  linesDone: number;
  rowsOk: number;
  rowsRejected: number;
  rejects: RowReject[];
  status: 'running' | 'done';
  startedAt: number;
}

const FINGERPRINT_BYTES = 1024 * 1024;

/**
 * Identifies a file by its size and a hash of its first MiB, so a moved or re-downloaded copy
 * of the same file resumes, and an edited one starts afresh.
 */
export async function fileKeyOf(path: string): Promise<string> {
  const { size } = await stat(path);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size, FINGERPRINT_BYTES));
    await handle.read(buffer, 0, buffer.length, 0);
    return `${size}:${createHash('sha256').update(buffer).digest('hex')}`;
  } finally {
    await handle.close();
  }
}

/** The latest run for this kind and file, if any. */
export async function findImportRun(
  db: Database,
  kind: string,
  fileKey: string,
): Promise<ImportRun | undefined> {
  const row = await db
    .selectFrom('importRuns')
    .selectAll()
    .where('kind', '=', kind)
    .where('fileKey', '=', fileKey)
    .orderBy('startedAt', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    fileKey: row.fileKey,
    linesDone: Number(row.linesDone),
    rowsOk: Number(row.rowsOk),
    rowsRejected: Number(row.rowsRejected),
    rejects: parseJsonColumn<RowReject[]>(row.rejects, []),
    status: row.status === 'done' ? 'done' : 'running',
    startedAt: Number(row.startedAt),
  };
}

/** Starts a new run at the first record. */
export async function createImportRun(
  db: Database,
  kind: string,
  fileKey: string,
  now: number,
): Promise<ImportRun> {
  const run: ImportRun = {
    id: newId('imp'),
    kind,
    fileKey,
    linesDone: 0,
    rowsOk: 0,
    rowsRejected: 0,
    rejects: [],
    status: 'running',
    startedAt: now,
  };
  await db
    .insertInto('importRuns')
    .values({ ...run, rejects: '[]', updatedAt: now })
    .execute();
  return run;
}

/** Forgets every run of this kind and file (`--restart`). */
export async function deleteImportRuns(db: Database, kind: string, fileKey: string): Promise<void> {
  await db.deleteFrom('importRuns').where('kind', '=', kind).where('fileKey', '=', fileKey).execute();
}

/**
 * Saves progress; call it in the transaction that wrote the batch, so progress and data commit
 * together. `rejectsChanged` avoids rewriting the (capped) reject list when it did not grow.
 */
export async function saveImportProgress(
  db: Database,
  run: ImportRun,
  now: number,
  rejectsChanged: boolean,
): Promise<void> {
  await db
    .updateTable('importRuns')
    .set({
      linesDone: run.linesDone,
      rowsOk: run.rowsOk,
      rowsRejected: run.rowsRejected,
      status: run.status,
      updatedAt: now,
      ...(rejectsChanged ? { rejects: JSON.stringify(run.rejects) } : {}),
    })
    .where('id', '=', run.id)
    .execute();
}
