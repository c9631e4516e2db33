import { type RawBuilder, sql } from 'kysely';
import { GENDERS } from '../members/genders.ts';
import type { MemberProfilesTable } from '../profiles/profiles.table.ts';
import type { MemberScoresTable } from '../value/value.table.ts';
import type { FieldSpec, MemberFacts, SqlScope } from './segments.fields.ts';

// Building blocks of the field catalogue (segments.fields.ts): each pairs a SQL expression over
// the compiler's aliases with the same reading over one member's rows.

export const DAY_MS = 86_400_000;

export const ratio = (num: string, den: string) =>
  sql.raw(`cast(${num} as double precision) / nullif(${den}, 0)`);
/**
 * Whole days from `column` to now, 0 for a time in the future (as the profile API reports it).
 * SQLite binds JS numbers as REAL, so `now` is cast to an integer to keep the division an
 * integer one on both databases.
 */
export const daysSince = (scope: SqlScope, column: string) => {
  const elapsed = sql`(cast(${scope.now} as bigint) - ${sql.raw(column)})`;
  return sql`(case when ${elapsed} < 0 then 0 else ${elapsed} / ${sql.lit(DAY_MS)} end)`;
};
export const divide = (a: number, b: number) => (b === 0 ? null : a / b);
export const days = (now: number, at: number | null) =>
  at === null ? null : Math.max(0, Math.floor((now - at) / DAY_MS));

/** A plain profile counter: absent when the member has no profile row. */
export function profileCount(
  name: string,
  column: string,
  key: keyof MemberProfilesTable,
  label: { en: string; zh: string },
  unit: 'count' | 'money' | 'days' = 'count',
): FieldSpec {
  return {
    field: `profile.${name}`,
    type: 'number',
    label,
    unit,
    integer: true,
    source: 'profile',
    sql: () => sql.raw(`p.${column}`),
    read: (f) => (f.profile ? (f.profile[key] as number) : null),
  };
}

/** Key with the highest score in a JSON { key: score } map; ties go to the lowest key (bytewise). */
export function topKey(json: string): string | null {
  const map = JSON.parse(json) as Record<string, number>;
  let best: string | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [key, score] of Object.entries(map)) {
    if (
      score > bestScore ||
      (score === bestScore && best !== null && Buffer.compare(Buffer.from(key), Buffer.from(best)) < 0)
    ) {
      best = key;
      bestScore = score;
    }
  }
  return best;
}

/** The same choice in SQL: one correlated JSON scan per row, no extra column needed. */
export function topKeySql(scope: SqlScope, column: string): RawBuilder<unknown> {
  return scope.dialect === 'postgres'
    ? sql.raw(
        `(select j.key from jsonb_each_text(${column}::jsonb) as j order by j.value::double precision desc, j.key collate "C" limit 1)`,
      )
    : sql.raw(`(select j.key from json_each(${column}) as j order by j.value desc, j.key limit 1)`);
}

/** The tier in force: an active override, else the earned tier, else (never evaluated) the entry tier. */
export function tierSql(scope: SqlScope): RawBuilder<unknown> {
  return sql`(case when t.override_tier_id is not null and (t.override_until is null or t.override_until > ${scope.now}) then t.override_tier_id when t.member_id is null then ${scope.entryTier} else t.tier_id end)`;
}

export function tierRead(f: MemberFacts, scope: SqlScope): string | null {
  const t = f.tier;
  if (!t) return scope.entryTier;
  if (t.overrideTierId !== null && (t.overrideUntil === null || t.overrideUntil > scope.now))
    return t.overrideTierId;
  return t.tierId;
}

export function scoreField(
  name: string,
  column: string,
  key: keyof MemberScoresTable,
  label: { en: string; zh: string },
  unit: FieldSpec['unit'],
  integer: boolean,
): FieldSpec {
  return {
    field: `value.${name}`,
    type: 'number',
    label,
    ...(unit ? { unit } : {}),
    integer,
    source: 'scores',
    sql: () => sql.raw(`s.${column}`),
    read: (f) => (f.scores ? (f.scores[key] as number | null) : null),
  };
}

export function memberString(
  name: 'region' | 'gender' | 'channel',
  label: { en: string; zh: string },
): FieldSpec {
  return {
    field: `member.${name}`,
    type: name === 'gender' ? 'enum' : 'string',
    ...(name === 'gender' ? { values: GENDERS } : {}),
    label,
    source: 'member',
    sql: () => sql.raw(`sm.${name}`),
    read: (f) => f.member[name],
  };
}
