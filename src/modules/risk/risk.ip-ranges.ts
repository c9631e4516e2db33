import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, type ErrorDetail, Errors } from '../../errors.ts';
import { appendAudit } from '../audit/index.ts';

// The IP-range → country table behind the `ip.country` and `country.mismatch` features. An
// operator loads it whole (`membrain risk ip-ranges load FILE`, e.g. the table that comes with
// the e-commerce fraud data set); a load replaces the previous table in one transaction. Checks
// look up IPv4 addresses in a per-process copy (sorted bounds, binary search), re-read at most
// every RECHECK_MS. IPv6 addresses have no country until the table supports them.

const RECHECK_MS = 60_000;
const MAX_IPV4 = 2 ** 32 - 1;
const INSERT_CHUNK = 1000;

export interface IpRange {
  lower: number;
  upper: number;
  country: string;
}

/** Dotted IPv4 → its 32-bit number, or null for anything else. */
export function ipv4ToNumber(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Sorted, non-overlapping ranges with a binary search. */
export class IpCountryTable {
  private readonly lowers: Float64Array;
  private readonly uppers: Float64Array;
  private readonly countries: string[];

  /** `ranges` must be sorted by lower bound and must not overlap (see validateIpRanges). */
  constructor(ranges: readonly IpRange[]) {
    this.lowers = Float64Array.from(ranges, (r) => r.lower);
    this.uppers = Float64Array.from(ranges, (r) => r.upper);
    this.countries = ranges.map((r) => r.country);
  }

  get size(): number {
    return this.countries.length;
  }

  /** The country of an IPv4 number, or null when no range holds it. */
  countryOf(ip: number): string | null {
    let lo = 0;
    let hi = this.lowers.length - 1;
    // The last range whose lower bound is ≤ ip.
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.lowers[mid] as number) <= ip) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && ip <= (this.uppers[found] as number) ? (this.countries[found] as string) : null;
  }

  /** The country of an IP address as text (IPv4 only), or null. */
  lookup(ip: string): string | null {
    const value = ipv4ToNumber(ip);
    return value === null ? null : this.countryOf(value);
  }
}

/** Sorts ranges and lists every problem: bounds outside IPv4, lower above upper, overlaps. */
export function validateIpRanges(ranges: readonly IpRange[]): { sorted: IpRange[]; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  ranges.forEach((r, i) => {
    for (const bound of ['lower', 'upper'] as const) {
      const v = r[bound];
      if (!Number.isInteger(v) || v < 0 || v > MAX_IPV4)
        problems.push({
          path: `ranges.${i}.${bound}`,
          message: 'must be an IPv4 address as a whole number 0…2³²−1',
        });
    }
    if (r.lower > r.upper) problems.push({ path: `ranges.${i}`, message: 'lower is above upper' });
    if (r.country.trim().length === 0)
      problems.push({ path: `ranges.${i}.country`, message: 'empty country' });
  });
  const sorted = ranges
    .map((r) => ({ ...r, country: r.country.trim().toUpperCase() }))
    .sort((a, b) => a.lower - b.lower);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as IpRange;
    const current = sorted[i] as IpRange;
    if (current.lower <= previous.upper)
      problems.push({
        message: `ranges ${previous.lower}–${previous.upper} and ${current.lower}–${current.upper} overlap`,
      });
    if (problems.length >= 50) break;
  }
  return { sorted, problems };
}

interface Slot {
  table: IpCountryTable;
  readAt: number;
}
const slots = new WeakMap<Database, Slot>();

async function readTable(db: Database): Promise<IpCountryTable> {
  const rows = await db.selectFrom('riskIpRanges').selectAll().orderBy('lower').execute();
  return new IpCountryTable(
    rows.map((r) => ({ lower: Number(r.lower), upper: Number(r.upper), country: r.country })),
  );
}

/** The lookup checks use: this process's copy of the loaded table. */
export async function ipCountryLookup(ctx: AppContext): Promise<(ip: string) => string | null> {
  let slot = slots.get(ctx.db);
  if (!slot || performance.now() - slot.readAt >= RECHECK_MS) {
    slot = { table: await readTable(ctx.db), readAt: performance.now() };
    slots.set(ctx.db, slot);
  }
  const table = slot.table;
  return (ip) => table.lookup(ip);
}

/** Replaces the whole table (all or nothing); VALIDATION_FAILED lists the bad ranges. */
export async function replaceIpRanges(
  ctx: AppContext,
  ranges: readonly IpRange[],
  actor: { actorType: string; actorId: string },
): Promise<{ ranges: number }> {
  const { sorted, problems } = validateIpRanges(ranges);
  if (problems.length > 0) throw appError(Errors.VALIDATION_FAILED, undefined, problems);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('riskIpRanges').execute();
    for (let start = 0; start < sorted.length; start += INSERT_CHUNK)
      await trx
        .insertInto('riskIpRanges')
        .values(sorted.slice(start, start + INSERT_CHUNK))
        .execute();
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'risk.ip_ranges.replace',
      targetType: 'risk_ip_ranges',
      targetId: null,
      details: { ranges: sorted.length },
    });
  });
  slots.delete(ctx.db);
  return { ranges: sorted.length };
}
