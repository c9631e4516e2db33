import type { Updateable } from 'kysely';
import type { AppContext } from '../../context.ts';
import { blindIndex, normaliseEmail, normalisePhone } from '../../crypto/blind-index.ts';
import { canonicalJson, parseJsonColumn } from '../../lib/json.ts';
import { decryptPii, encColumn, piiAad } from './members.dto.ts';
import type { MembersTable } from './members.table.ts';
import { type MemberPatch, PII_FIELDS, type PiiField } from './members.types.ts';

/** The writable fields of a create or an update (everything but id and version). */
export type MemberFields = Omit<MemberPatch, 'version'>;

/** Column changes for one write, and the names of the fields that actually changed. */
export interface MemberChanges {
  changes: Updateable<MembersTable>;
  fields: string[];
}

type Consents = Record<string, { granted: boolean; at?: string | undefined }>;

const PLAIN_FIELDS = ['gender', 'region', 'locale', 'channel', 'status'] as const;

/** Emails and phones are stored in their normalised form, the same form the blind index hashes. */
function normalisePii(field: PiiField, value: string | null): string | null {
  if (value === null) return null;
  if (field === 'email') return normaliseEmail(value);
  if (field === 'phone') return normalisePhone(value);
  return value;
}

/**
 * Consents keep their time: an explicit `at` wins; otherwise an unchanged decision keeps the
 * stored time and a new or changed one is stamped now.
 */
export function stampConsents(input: Consents, stored: Consents, now: number): Consents {
  const out: Consents = {};
  for (const [name, consent] of Object.entries(input)) {
    const previous = stored[name];
    const at = consent.at
      ? new Date(consent.at).toISOString()
      : previous && previous.granted === consent.granted && previous.at
        ? previous.at
        : new Date(now).toISOString();
    out[name] = { granted: consent.granted, at };
  }
  return out;
}

async function diffPii(
  ctx: AppContext,
  id: string,
  current: MembersTable | undefined,
  input: MemberFields,
  out: MemberChanges,
) {
  const stored = current ? await decryptPii(ctx, current) : null;
  for (const field of PII_FIELDS) {
    const given = input[field];
    if (given === undefined) continue;
    const value = normalisePii(field, given);
    if (stored ? stored[field] === value : value === null) continue;
    out.changes[encColumn(field)] = ctx.crypto.pii.encryptOptional(value, piiAad(id, field));
    if (field === 'email')
      out.changes.emailBidx = value === null ? null : blindIndex(ctx.crypto.blindIndexKey, 'email', value);
    if (field === 'phone')
      out.changes.phoneBidx = value === null ? null : blindIndex(ctx.crypto.blindIndexKey, 'phone', value);
    out.fields.push(field);
  }
}

function diffPlain(
  ctx: AppContext,
  current: MembersTable | undefined,
  input: MemberFields,
  out: MemberChanges,
): void {
  for (const field of PLAIN_FIELDS) {
    const value = input[field];
    if (value === undefined || (current ? current[field] === value : value === null)) continue;
    (out.changes as Record<string, unknown>)[field] = value;
    out.fields.push(field);
  }
  if (input.registeredAt !== undefined) {
    const ms = Date.parse(input.registeredAt);
    if (!current || current.registeredAt !== ms) {
      out.changes.registeredAt = ms;
      out.fields.push('registeredAt');
    }
  }
  if (input.attributes !== undefined) {
    const text = canonicalJson(input.attributes);
    if (!current || current.attributes !== text) {
      out.changes.attributes = text;
      out.fields.push('attributes');
    }
  }
  if (input.consents !== undefined) {
    const stored = parseJsonColumn<Consents>(current?.consents, {});
    const text = canonicalJson(stampConsents(input.consents, stored, ctx.clock.now()));
    if (!current || current.consents !== text) {
      out.changes.consents = text;
      out.fields.push('consents');
    }
  }
}

/**
 * What writing `input` over `current` (undefined for a new member) changes. Fields left out
 * are kept; null clears; a value equal to the stored one is not a change, so a store that
 * re-sends the whole member on every sync causes no writes and no audit entries.
 */
export async function diffMember(
  ctx: AppContext,
  id: string,
  current: MembersTable | undefined,
  input: MemberFields,
): Promise<MemberChanges> {
  const out: MemberChanges = { changes: {}, fields: [] };
  await diffPii(ctx, id, current, input, out);
  diffPlain(ctx, current, input, out);
  return out;
}
