import type { Insertable } from 'kysely';
import type { AppContext } from '../context.ts';
import { blindIndex, normaliseEmail, normalisePhone } from '../crypto/blind-index.ts';
import type { Database, DB } from '../db/database.ts';
import { canonicalJson } from '../lib/json.ts';
import { eventContentHash, eventToRow, type NormalisedEvent } from '../modules/events/index.ts';
import { type MembersTable, type PiiField, piiAad } from '../modules/members/index.ts';
import type { DemoMember } from './members.ts';

// Rows exactly as the members and events modules store them (normalised email and phone,
// ciphertexts bound to `members:<id>:<field>`, canonical JSON, the events module's content
// hash), written with multi-row inserts sized under each database's parameter limit.

/** Bound parameters per statement: SQLite allows 32,766, PostgreSQL 65,535. */
const MAX_PARAMETERS: Readonly<Record<AppContext['dialect'], number>> = { sqlite: 32_000, postgres: 65_000 };

/** The stored members row, personal data encrypted as the members module does it. */
export function memberRow(ctx: AppContext, member: DemoMember, now: number): MembersTable {
  const email = normaliseEmail(member.email);
  const phone = normalisePhone(member.phone);
  const seal = (field: PiiField, value: string) => ctx.crypto.pii.encrypt(value, piiAad(member.id, field));
  return {
    id: member.id,
    nameEnc: seal('name', member.name),
    emailEnc: seal('email', email),
    phoneEnc: seal('phone', phone),
    birthdayEnc: seal('birthday', member.birthday),
    addressEnc: seal('address', member.address),
    emailBidx: blindIndex(ctx.crypto.blindIndexKey, 'email', email),
    phoneBidx: blindIndex(ctx.crypto.blindIndexKey, 'phone', phone),
    gender: member.gender,
    region: member.region,
    locale: member.locale,
    channel: member.channel,
    attributes: canonicalJson({ acquisition: member.acquisition }),
    consents: canonicalJson(member.consents),
    status: 'active',
    registeredAt: member.registeredAt,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    version: 1,
  };
}

/** The stored events row; receivedAt is a couple of seconds after the event (never after now). */
export function eventRow(event: NormalisedEvent, now: number): Insertable<DB['events']> {
  return eventToRow(event, Math.min(now, event.occurredAt + 2000), eventContentHash(event));
}

/** Multi-row inserts of `rows` into `table`, each statement under the dialect's parameter limit. */
export async function insertBatched<T extends 'members' | 'items' | 'events' | 'demoAbuseLabels'>(
  db: Database,
  dialect: AppContext['dialect'],
  table: T,
  rows: readonly Insertable<DB[T]>[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS[dialect] / Object.keys(first).length));
  for (let start = 0; start < rows.length; start += perStatement) {
    // One helper for four tables: the caller's rows are typed, Kysely cannot relate them to a generic T.
    await db
      .insertInto(table)
      .values(rows.slice(start, start + perStatement) as never)
      .execute();
  }
}
