import type { AppContext } from '../../context.ts';
import type { PiiView } from '../../http/principal.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import { maskAddress, maskBirthday, maskEmail, maskName, maskPhone } from '../../lib/mask.ts';
import type { MembersTable } from './members.table.ts';
import { type MemberDto, type MemberStatus, PII_FIELDS, type PiiField } from './members.types.ts';

/** The AAD that binds a ciphertext to its member and field, so it opens nowhere else. */
export function piiAad(memberId: string, field: PiiField): string {
  return `members:${memberId}:${field}`;
}

/** The row column holding a personal data field's ciphertext. */
export function encColumn(field: PiiField): `${PiiField}Enc` {
  return `${field}Enc`;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Decrypts the personal data fields of a row (synchronously while every key is loaded). */
export async function decryptPii(
  ctx: AppContext,
  row: MembersTable,
): Promise<Record<PiiField, string | null>> {
  const out = {} as Record<PiiField, string | null>;
  for (const field of PII_FIELDS) {
    const ciphertext = row[encColumn(field)];
    const aad = piiAad(row.id, field);
    out[field] =
      ciphertext === null
        ? null
        : (ctx.crypto.pii.decryptIfKeyLoaded(ciphertext, aad) ??
          (await ctx.crypto.pii.decrypt(ciphertext, aad)));
  }
  return out;
}

/** A row as the API shows it, personal data decrypted in full; mask it with maskMemberDto. */
export async function toMemberDto(
  ctx: AppContext,
  row: MembersTable,
  view: PiiView = 'full',
): Promise<MemberDto> {
  const pii = await decryptPii(ctx, row);
  const dto: MemberDto = {
    id: row.id,
    ...pii,
    gender: row.gender,
    region: row.region,
    locale: row.locale,
    channel: row.channel,
    attributes: parseJsonColumn(row.attributes, {}),
    consents: parseJsonColumn(row.consents, {}),
    status: row.status as MemberStatus,
    registeredAt: toIso(row.registeredAt),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    deletedAt: row.deletedAt === null ? null : toIso(row.deletedAt),
    version: row.version,
  };
  return view === 'masked' ? maskMemberDto(dto) : dto;
}

/** The analyst's view: every personal data field masked (`138****5678`, `a***@example.com`). */
export function maskMemberDto(dto: MemberDto): MemberDto {
  const mask = <T extends string | null>(value: T, fn: (v: string) => string) =>
    value === null ? null : fn(value);
  return {
    ...dto,
    name: mask(dto.name, maskName),
    email: mask(dto.email, maskEmail),
    phone: mask(dto.phone, maskPhone),
    birthday: mask(dto.birthday, maskBirthday),
    address: mask(dto.address, maskAddress),
  };
}

/** Names of the personal data fields a DTO carries a value for (what a full read discloses). */
export function piiFieldsPresent(dto: MemberDto): PiiField[] {
  return PII_FIELDS.filter((field) => dto[field] !== null);
}
