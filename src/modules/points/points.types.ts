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
  'release',
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
  points: z.number().int().describe('Change of the available balance'),
  pendingDelta: z.number().int().describe('Change of the pending balance'),
  debtDelta: z.number().int().describe('Change of the debt'),
  qualifying: z.number().int().describe('Tier-qualifying points this entry adds'),
  lotId: z.string().nullable(),
  expiresAt: z.string().nullable(),
  source: z.object({ type: z.string(), id: z.string().nullable() }),
  rule: z.object({ id: z.string(), version: z.number().int() }).nullable(),
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
  tierPoints: z.number().int().describe('Tier-qualifying points over the membership'),
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
  /** Ledger time when replaying history (the demo shop); the API always uses now. */
  at?: number;
}

export interface AdjustInput {
  memberId: string;
  /** Signed; a negative adjust never takes the balance below zero. */
  points: number;
  reason: string;
  idempotencyKey: string;
  /** For a credit: when its lot expires (the programme's policy). */
  expiresAt?: number | null;
  actor: { actorType: string; actorId: string };
}

/** One account whose stored figures differ from what its ledger and lots add up to. */
export interface AccountDifference {
  memberId: string;
  field:
    | 'available'
    | 'pending'
    | 'debt'
    | 'lifetimeEarned'
    | 'lifetimeRedeemed'
    | 'tierPoints'
    | 'lots'
    | 'pendingLots'
    | 'lot'
    | 'account';
  stored: number;
  expected: number;
}

/** One line of an event's award: what one earning rule gives. */
export interface AwardLine {
  ruleId: string | null;
  ruleVersion: number | null;
  points: number;
  /** How many of the points count toward tiers. */
  qualifying: number;
  reason: string;
}

/** Points an event earns, decided by the earning rules. */
export interface EventAward {
  memberId: string;
  eventId: string;
  eventType: string;
  /** order_paid: its order, so a refund can take the points back. */
  orderId: string | null;
  /** Paid amount in minor units (order_paid), the base of a refund's share. */
  amount: number | null;
  lines: AwardLine[];
  /** Set → pending until then (the return window); null → available at once. */
  pendingUntil: number | null;
  expiresAt: number | null;
  /** Ledger time: now for live events, the event's time in a backfill. */
  at: number;
}

/** A refund of (part of) an order. */
export interface OrderRefund {
  memberId: string;
  orderId: string;
  /** Refunded amount in minor units. */
  refundAmount: number;
  /** The refund event: one reversal per refund event. */
  eventId: string;
  at: number;
}

export interface TransferInput {
  fromMemberId: string;
  toMemberId: string;
  points: number;
  reason: string;
  idempotencyKey: string;
}

/** Body of a transfer. */
export const pointsTransferSchema = z.strictObject({
  fromMemberId: z.string().regex(STORE_ID_PATTERN),
  toMemberId: z.string().regex(STORE_ID_PATTERN),
  points: z.number().int().min(1).max(MAX_POINTS),
  reason: reasonSchema,
});

export const transferResultSchema = z.object({
  out: ledgerEntryDtoSchema,
  /** One entry per expiry date the points carried. */
  in: z.array(ledgerEntryDtoSchema),
});
export type TransferResult = z.infer<typeof transferResultSchema>;

export const expiringQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(730).default(90) });
export const expiringListSchema = z.object({
  data: z.array(z.object({ expiresAt: z.string(), points: z.number().int() })),
});
