import { z } from 'zod';

/** The longest range the overview serves, in days (a leap year). */
export const MAX_RANGE_DAYS = 366;
/** Range when the caller names none: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** Categories listed in `topCategories`. */
export const TOP_CATEGORIES = 10;

const day = z.iso.date('must be a date YYYY-MM-DD');

/** `GET /v1/stats/overview` query: inclusive UTC days. */
export const overviewQuerySchema = z.strictObject({
  from: day.optional().describe('First day, inclusive (UTC); default: 29 days before `to`'),
  to: day.optional().describe('Last day, inclusive (UTC); default: today'),
});
export type OverviewQuery = z.infer<typeof overviewQuerySchema>;

const moneySchema = z.object({ amount: z.number().int(), currency: z.string() });

export const overviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  currency: z.string().describe('The shop’s main currency: the most common one of paid orders'),
  members: z.object({
    total: z.number().int().describe('Live (not deleted) members'),
    new7d: z.number().int().describe('Registered on one of the last 7 UTC days, today included'),
    new30d: z.number().int(),
    active7d: z.number().int().describe('With an event on one of the last 7 UTC days'),
    active30d: z.number().int(),
    newInRange: z.number().int().describe('Registered between from and to'),
  }),
  daily: z.array(
    z.object({
      day: z.string(),
      orders: z.number().int().describe('order_paid events in the main currency'),
      gmv: moneySchema,
      refunds: z.number().int(),
      newMembers: z.number().int(),
      events: z.number().int(),
    }),
  ),
  eventsByType: z.array(z.object({ day: z.string(), counts: z.record(z.string(), z.number().int()) })),
  topCategories: z.array(z.object({ category: z.string(), orders: z.number().int(), revenue: moneySchema })),
});
export type Overview = z.infer<typeof overviewSchema>;

/** A resolved, valid range of days. */
export interface DayRange {
  from: string;
  to: string;
}
