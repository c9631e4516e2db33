import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { recordServed, type ServedList } from './recommendations.feedback.ts';

// Served lists are logged write-behind: a request queues its exposure row and replies; the queue
// is written as one multi-row insert when it holds FLUSH_ROWS rows or FLUSH_MS after its first
// row, and at close. The price: a process killed without closing loses at most FLUSH_MS of
// exposures (feedback on those lists is then ignored, as for an unknown id). An event naming a
// list still queued in this process flushes the queue first, so its feedback is never lost here;
// one naming a list queued on another API replica is matched if it arrives after that replica's
// flush, i.e. later than FLUSH_MS after the list was served.

/** Longest a served list waits in the queue. */
export const FLUSH_MS = 200;
/** Rows per insert (9 columns: far below SQLite's and PostgreSQL's parameter limits). */
export const FLUSH_ROWS = 500;
/** Rows kept for a retry while the database refuses writes; past it the oldest are dropped. */
const MAX_BACKLOG = 50_000;

export class ExposureLog {
  private queue: ServedList[] = [];
  private queued = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly onError: (error: unknown, rows: number) => void,
  ) {}

  /** Queues a served list; it is written within FLUSH_MS. */
  add(list: ServedList): void {
    this.queue.push(list);
    this.queued.add(list.id);
    if (this.queue.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Whether the list `id` is queued here and not yet written. */
  has(id: string): boolean {
    return this.queued.has(id);
  }

  /** Writes everything queued so far; resolves once it is stored (or has failed and been requeued). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0);
    // Writes run one after another, so a slow insert never overlaps the next one.
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: ServedList[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      for (let start = 0; start < batch.length; start += FLUSH_ROWS)
        await recordServed(this.db, batch.slice(start, start + FLUSH_ROWS));
      for (const list of batch) this.queued.delete(list.id);
    } catch (error) {
      this.onError(error, batch.length);
      // Keep them for the next flush (ids are unique, a retried insert cannot double-count), but
      // bounded: a database down for long must not grow the process without limit.
      const all = [...batch, ...this.queue];
      const dropped = Math.max(0, all.length - MAX_BACKLOG);
      for (let i = 0; i < dropped; i++) this.queued.delete((all[i] as ServedList).id);
      this.queue = all.slice(dropped);
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 10).unref();
    }
  }
}

const logs = new WeakMap<Database, ExposureLog>();

/** The process's exposure log for `ctx.db`, flushed when the context closes. */
export function exposureLog(ctx: AppContext): ExposureLog {
  let log = logs.get(ctx.db);
  if (!log) {
    log = new ExposureLog(ctx.db, (error, rows) =>
      ctx.log.warn({ err: error, rows }, 'recommendation exposures not written yet; retrying'),
    );
    logs.set(ctx.db, log);
    const created = log;
    ctx.onClose(() => created.flush());
  }
  return log;
}

/** Writes the exposures this process has queued for `db` (readers of the log call it first). */
export async function flushExposures(db: Database): Promise<void> {
  await logs.get(db)?.flush();
}

/**
 * Writes this process's queued exposures when an incoming event names one of them, so its
 * feedback finds the list. Call it outside any transaction on `db`: on SQLite the transaction
 * would hold the one connection the flush needs.
 */
export async function flushExposuresNamed(db: Database, ids: readonly string[]): Promise<void> {
  const log = logs.get(db);
  if (log && ids.some((id) => log.has(id))) await log.flush();
}
