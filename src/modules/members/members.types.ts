import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.ts';
import { STORE_ID_PATTERN } from '../../lib/ids.ts';
import { GENDERS } from './genders.ts';

export { GENDERS };

/** Personal data fields: stored only as ciphertext, masked for analysts, audited when read in full. */
export const PII_FIELDS = ['name', 'email', 'phone', 'birthday', 'address'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/** `deleted` is set by DELETE only; a store may suspend and reactivate members. */
export const MEMBER_STATUSES = ['active', 'suspended', 'deleted'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

const ATTRIBUTES_MAX_BYTES = 8192;
const CONSENTS_MAX = 32;

export const memberIdSchema = z.string().regex(STORE_ID_PATTERN, 'must be 1–64 of A-Z a-z 0-9 _ . : -');

/** Digits with optional leading + and the usual separators; 5–20 digits once normalised. */
const phoneSchema = z
  .string()
  .max(32)
  .regex(/^\s*\+?[0-9][0-9\s\-().]{3,30}\s*$/, 'must be a phone number: digits, optional leading +')
  .refine((v) => {
    const digits = v.replace(/\D/g, '').length;
    return digits >= 5 && digits <= 20;
  }, 'must hold 5 to 20 digits');

const birthdaySchema = z.iso
  .date('must be a date YYYY-MM-DD')
  .refine((v) => Number(v.slice(0, 4)) >= 1900, 'must be after 1900');

const attributesSchema = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine(
    (v) => Buffer.byteLength(JSON.stringify(v)) <= ATTRIBUTES_MAX_BYTES,
    `must be at most ${ATTRIBUTES_MAX_BYTES} bytes as JSON`,
  );

const consentSchema = z.strictObject({
  granted: z.boolean(),
  at: z.iso.datetime({ offset: true }).optional(),
});

const consentsSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'consent names are 1–64 letters, digits, _ . -'),
    consentSchema,
  )
  .refine((v) => Object.keys(v).length <= CONSENTS_MAX, `at most ${CONSENTS_MAX} consents`);

/** The writable fields; every optional field also takes null, which clears it. */
const memberFields = {
  name: z.string().trim().min(1).max(200).nullable().optional(),
  email: z.email('must be an email address').max(254).nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  birthday: birthdaySchema.nullable().optional(),
  /** One free-text line; structured addresses belong to the store's order system. */
  address: z.string().trim().min(1).max(500).nullable().optional(),
  gender: z.enum(GENDERS).nullable().optional(),
  region: z.string().trim().min(1).max(64).nullable().optional(),
  locale: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as zh-CN')
    .nullable()
    .optional(),
  channel: z.string().trim().min(1).max(32).nullable().optional(),
  status: z.enum(['active', 'suspended']).optional(),
  registeredAt: z.iso.datetime({ offset: true }).optional(),
  attributes: attributesSchema.optional(),
  consents: consentsSchema.optional(),
};

/** `POST /v1/members`: create, or update the given fields of the member with this id. */
export const memberInputSchema = z.strictObject({ id: memberIdSchema, ...memberFields });
export type MemberInput = z.infer<typeof memberInputSchema>;

/** `PATCH /v1/members/{id}`: a partial update; `version`, when sent, must match the stored one. */
export const memberPatchSchema = z.strictObject({
  ...memberFields,
  version: z.number().int().min(1).optional(),
});
export type MemberPatch = z.infer<typeof memberPatchSchema>;

export const consentDtoSchema = z.object({ granted: z.boolean(), at: z.string().optional() });

/** What every member route returns; personal data is in full or masked depending on the caller. */
export const memberDtoSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  birthday: z.string().nullable(),
  address: z.string().nullable(),
  gender: z.string().nullable(),
  region: z.string().nullable(),
  locale: z.string().nullable(),
  channel: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  consents: z.record(z.string(), consentDtoSchema),
  status: z.enum(MEMBER_STATUSES),
  registeredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  version: z.number().int(),
});
export type MemberDto = z.infer<typeof memberDtoSchema>;

export const memberListQuerySchema = pageQuerySchema.extend({
  email: z.string().max(254).optional(),
  phone: z.string().max(32).optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  region: z.string().max(64).optional(),
  tier: z.string().max(64).optional().describe('Tier id in force (an active override, else the earned tier)'),
  segment: z.string().max(64).optional().describe('Saved segment id (seg_…): members in the segment now'),
  registeredFrom: z.iso.datetime({ offset: true }).optional(),
  registeredTo: z.iso.datetime({ offset: true }).optional(),
  includeDeleted: z.enum(['true', 'false']).optional(),
});
export type MemberListQuery = z.infer<typeof memberListQuerySchema>;

/** Who made a change, as recorded in the audit log. */
export interface MemberActor {
  actorType: string;
  actorId: string;
}
