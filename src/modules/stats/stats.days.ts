import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../db/database.ts';

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** The UTC day of an epoch-ms time, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 UTC of a `YYYY-MM-DD` day. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  return utcDay(dayStart(day) + n * DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = dayStart(from); t <= dayStart(to); t += DAY_MS) days.push(utcDay(t));
  return days;
}

/**
 * SQL turning an epoch-ms column into its UTC day, one form per dialect (the only place the
 * rebuild's SQL differs between them). `column` is a trusted snake_case column name.
 */
export function sqlUtcDay(dialect: DialectName, column: string): RawBuilder<string> {
  const ref = sql.raw(column);
  return dialect === 'sqlite'
    ? sql<string>`strftime('%Y-%m-%d', ${ref} / 1000, 'unixepoch')`
    : sql<string>`to_char(to_timestamp(${ref} / 1000) at time zone 'UTC', 'YYYY-MM-DD')`;
}
