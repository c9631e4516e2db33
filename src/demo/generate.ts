import { type Insertable, sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/database.ts';
import { appendAudit } from '../modules/audit/audit.service.ts';
import { type AbuseRole, planAbuse, playAbuse } from './abuse.ts';
import { simulateMember } from './behaviour.ts';
import { buildCatalog, type Catalog, itemRow } from './catalog.ts';
import type { DemoAbuseLabelsTable } from './demo.table.ts';
import { createMember, type MemberWindow } from './members.ts';
import { eventRow, insertBatched, memberRow } from './rows.ts';
import type { SimulationSettings } from './timeline.ts';

/** Options of `generateDemoShop`. */
export interface GenerateDemoShopOptions {
  /** Number of members (1 … 10,000,000). */
  members: number;
  /** Same seed, same shop: every member, item and event is a function of it. */
  seed: number;
  /** Months of behaviour before ctx.clock.now(), 6–18 (default 12). */
  months?: number;
  /** Multiplies members' session rates (default 1: about 35 events a member over 12 months). */
  intensity?: number;
  /** Members per transaction (default 500). */
  chunkSize?: number;
  /** Called after each chunk is committed. */
  onProgress?: (progress: DemoProgress) => void;
}

export interface DemoProgress {
  membersDone: number;
  membersTotal: number;
  eventsWritten: number;
}

export interface DemoShopResult {
  seed: number;
  members: number;
  items: number;
  events: number;
  eventsByType: Record<string, number>;
  abuseLabels: number;
  /** The behaviour window, ISO. */
  from: string;
  to: string;
}

const DAY = 86_400_000;
/** Page cache while generating into SQLite (KiB). */
const SQLITE_CACHE_KIB = 256 * 1024;
const MONTH = 30.4375 * DAY;

/** True when the database holds no members, items or events (the server's first start). */
export async function isDatabaseEmpty(ctx: AppContext): Promise<boolean> {
  for (const table of ['members', 'items', 'events'] as const) {
    const row = await ctx.db.selectFrom(table).select('id').limit(1).executeTakeFirst();
    if (row) return false;
  }
  return true;
}

function checkOptions(
  options: GenerateDemoShopOptions,
): Required<Pick<GenerateDemoShopOptions, 'members' | 'seed' | 'months' | 'intensity'>> {
  const { members, seed, months = 12, intensity = 1 } = options;
  if (!Number.isInteger(members) || members < 1 || members > 10_000_000) {
    throw new RangeError('members must be an integer from 1 to 10,000,000');
  }
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  if (!(months >= 6 && months <= 18)) throw new RangeError('months must be from 6 to 18');
  if (!(intensity > 0 && intensity <= 20)) throw new RangeError('intensity must be above 0 and at most 20');
  return { members, seed, months, intensity };
}

/**
 * Writes a seeded synthetic shop straight into the tables: ~2,000 items, `members` members with
 * encrypted personal data, months of latent-driven behaviour and planted abuse with ground
 * truth. Streams chunk by chunk (one transaction each), so memory stays flat at any size.
 * @example await generateDemoShop(ctx, { members: 10_000, seed: 42, onProgress: (p) => bar.update(p.membersDone) })
 */
export async function generateDemoShop(
  ctx: AppContext,
  options: GenerateDemoShopOptions,
): Promise<DemoShopResult> {
  const { members, seed, months, intensity } = checkOptions(options);
  const chunkSize = options.chunkSize ?? 500;
  const now = ctx.clock.now();
  const window: MemberWindow = { start: Math.floor(now - months * MONTH), end: now, population: members };
  const catalog = buildCatalog(seed);
  const settings: SimulationSettings = { catalog, now, intensity };
  await writeCatalog(ctx, catalog, now);
  const roles = planAbuse(seed, window);
  const eventsByType: Record<string, number> = {};
  let events = 0;
  const restoreSettings = await tuneSqliteForBulkLoad(ctx);
  try {
    for (let first = 0; first < members; first += chunkSize) {
      const last = Math.min(members, first + chunkSize);
      events += await writeChunk(ctx, { seed, first, last, window, settings, roles, eventsByType });
      options.onProgress?.({ membersDone: last, membersTotal: members, eventsWritten: events });
    }
  } finally {
    await restoreSettings();
  }
  await ctx.db.transaction().execute((trx) =>
    appendAudit(ctx, trx, {
      actorType: 'system',
      actorId: 'demo',
      action: 'demo.generate',
      details: { seed, members, events, months },
    }),
  );
  return {
    seed,
    members,
    items: catalog.items.length,
    events,
    eventsByType,
    abuseLabels: roles.size,
    from: new Date(window.start).toISOString(),
    to: new Date(now).toISOString(),
  };
}

/**
 * Bulk-load settings for SQLite while the demo is written, restored afterwards: a large page
 * cache (the default 2 MB makes index upkeep on a growing events table disk-bound), no fsync
 * per checkpoint, and rarer checkpoints. A machine crash mid-run can cost the half-built demo
 * database, which is then simply generated again; an application crash cannot corrupt it.
 */
async function tuneSqliteForBulkLoad(ctx: AppContext): Promise<() => Promise<void>> {
  if (ctx.dialect !== 'sqlite') return async () => {};
  const settings: Record<string, number> = {
    cache_size: -SQLITE_CACHE_KIB,
    synchronous: 0,
    wal_autocheckpoint: 20_000,
  };
  const previous: Record<string, number> = {};
  for (const [name, value] of Object.entries(settings)) {
    const rows = await sql<Record<string, number>>`pragma ${sql.raw(name)}`.execute(ctx.db);
    previous[name] = Number(Object.values(rows.rows[0] ?? {})[0]);
    await sql`pragma ${sql.raw(`${name} = ${value}`)}`.execute(ctx.db);
  }
  return async () => {
    for (const [name, value] of Object.entries(previous))
      await sql`pragma ${sql.raw(`${name} = ${value}`)}`.execute(ctx.db);
  };
}

async function writeCatalog(ctx: AppContext, catalog: Catalog, now: number): Promise<void> {
  const rows = catalog.items.map((item) => itemRow(item, now));
  await ctx.db.transaction().execute((trx) => insertBatched(trx, ctx.dialect, 'items', rows));
}

interface ChunkJob {
  seed: number;
  first: number;
  last: number;
  window: MemberWindow;
  settings: SimulationSettings;
  roles: Map<number, AbuseRole>;
  eventsByType: Record<string, number>;
}

/** Generates members [first, last) with their events and labels, and writes them in one transaction. */
async function writeChunk(ctx: AppContext, job: ChunkJob): Promise<number> {
  const { seed, window, settings, roles } = job;
  const memberRows: Insertable<DB['members']>[] = [];
  const eventRows: Insertable<DB['events']>[] = [];
  const labelRows: DemoAbuseLabelsTable[] = [];
  for (let index = job.first; index < job.last; index++) {
    const role = roles.get(index);
    const member = createMember(seed, index, window, role?.override);
    memberRows.push(memberRow(ctx, member, settings.now));
    const timeline = simulateMember(seed, member, settings);
    if (role) labelRows.push(playAbuse(timeline, role, seed, settings.now));
    timeline.settleOrders();
    for (const event of timeline.events) {
      eventRows.push(eventRow(event, settings.now));
      job.eventsByType[event.type] = (job.eventsByType[event.type] ?? 0) + 1;
    }
  }
  // Ids start with the event time: inserting in id order walks the primary key's pages once.
  eventRows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await ctx.db.transaction().execute(async (trx) => {
    await insertBatched(trx, ctx.dialect, 'members', memberRows);
    await insertBatched(trx, ctx.dialect, 'events', eventRows);
    await insertBatched(trx, ctx.dialect, 'demoAbuseLabels', labelRows);
  });
  return eventRows.length;
}
