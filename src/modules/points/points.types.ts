import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.ts';
import { STORE_ID_PATTERN } from '../../lib/ids.ts';

export const LEDGER_KINDS = [
  'earn',
  'redeem',
  'adjust',
  'expire',
  'reverse',
  'transfer_in',
  'transfer_out',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** The most points one request may move. */
export const MAX_POINTS = 10_000_000;

export const memberIdParams = z.object({ id: z.string().regex(STORE_ID_PATTERN) });

export const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200) });

const reasonSchema = z.string().trim().min(1).max(200);

/** Body of earn and redeem. */
export const pointsChangeSchema = z.strictObject({
  points: z.number().int().min(1).max(MAX_POINTS),
  reason: reasonSchema,
});

/** Body of an operator adjust: signed, never zero. */
export const pointsAdjustSchema = z.strictObject({
  points: z
    .number()
    .int()
    .min(-MAX_POINTS)
    .max(MAX_POINTS)
    .refine((n) => n !== 0, 'must not be zero'),
  reason: reasonSchema,
});

export const ledgerQuerySchema = pageQuerySchema;

export const ledgerEntryDtoSchema = z.object({
  id: z.string(),
  memberId: z.string(),
  kind: z.enum(LEDGER_KINDS),
  points: z.number().int(),
  lotId: z.string().nullable(),
  expiresAt: z.string().nullable(),
  source: z.object({ type: z.string(), id: z.string().nullable() }),
  reason: z.string(),
  balanceAfter: z.number().int(),
  createdAt: z.string(),
});
export type LedgerEntryDto = z.infer<typeof ledgerEntryDtoSchema>;

export const pointsSummarySchema = z.object({
  memberId: z.string(),
  available: z.number().int(),
  pending: z.number().int(),
  expiringSoon: z.number().int(),
  lifetimeEarned: z.number().int(),
  lifetimeRedeemed: z.number().int(),
  debt: z.number().int(),
});
export type PointsSummary = z.infer<typeof pointsSummarySchema>;

/** Where earned points came from (an order, an event, a rule, an operator). */
export interface PointsSource {
  type: string;
  id: string | null;
}

export interface EarnInput {
  memberId: string;
  points: number;
  reason: string;
  source: PointsSource;
  idempotencyKey: string;
  expiresAt?: number | null;
}

export interface RedeemInput {
  memberId: string;
  points: number;
  reason: string;
  idempotencyKey: string;
}

export interface AdjustInput {
  memberId: string;
  /** Signed; a negative adjust never takes the balance below zero. */
  points: number;
  reason: string;
  idempotencyKey: string;
  actor: { actorType: string; actorId: string };
}

/** One account whose stored figures differ from what its ledger and lots add up to. */
export interface AccountDifference {
  memberId: string;
  field: 'available' | 'lifetimeEarned' | 'lifetimeRedeemed' | 'lots' | 'account';
  stored: number;
  expected: number;
}
