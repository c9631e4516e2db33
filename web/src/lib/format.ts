import type { Money } from '../api/types.ts';

const fractionDigitsCache = new Map<string, number>();

/** Minor-unit digits of a currency: CNY 2, JPY 0, BHD 3. */
export function minorDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits as number;
    } catch {
      digits = 2;
    }
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

/** Minor units to major: 12999 CNY → 129.99. */
export function toMajor(money: Money): number {
  return money.amount / 10 ** minorDigits(money.currency);
}

export interface MoneyFormatOptions {
  /** 12.3K, 1.2M: for axis labels. */
  compact?: boolean;
  /** No minor digits (for headline figures where the cents are noise). */
  whole?: boolean;
}

export function formatMoney(money: Money, locale: string, options: MoneyFormatOptions = {}): string {
  const digits: Intl.NumberFormatOptions = options.compact
    ? { notation: 'compact', maximumFractionDigits: 1 }
    : options.whole
      ? { maximumFractionDigits: 0, minimumFractionDigits: 0 }
      : {};
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency, ...digits }).format(
      toMajor(money),
    );
  } catch {
    return `${toMajor(money).toFixed(2)} ${money.currency}`;
  }
}

export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

export function formatDateTime(
  iso: string | null | undefined,
  locale: string,
  style: 'medium' | 'short' = 'medium',
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: style, timeStyle: 'short' }).format(date);
}

/** A calendar day `YYYY-MM-DD` (UTC, as the stats API counts them) in the reader's format. */
export function formatDay(day: string, locale: string, style: 'short' | 'medium' = 'short'): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const options: Intl.DateTimeFormatOptions =
    style === 'short' ? { month: 'numeric', day: 'numeric' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(date);
}

/** Today as `YYYY-MM-DD` in UTC, shifted by `offsetDays`. */
export function utcDay(offsetDays = 0, now: number = Date.now()): string {
  return new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` inclusive; NaN for an invalid day. */
export function daysInclusive(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
}

/** Major units back to minor: 129.99 CNY → { amount: 12999, currency: 'CNY' } (for axis labels). */
export function fromMajor(major: number, currency: string): Money {
  return { amount: Math.round(major * 10 ** minorDigits(currency)), currency };
}

/** A change with its sign: +50, −120 (a true minus), 0. */
export function formatSigned(value: number, locale: string): string {
  const text = new Intl.NumberFormat(locale, { signDisplay: 'exceptZero' }).format(value);
  return text.replace('-', '−');
}

/** An ISO timestamp's calendar day (UTC, as the API counts days) in the reader's format. */
export function formatIsoDay(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** `YYYY-MM` as the reader's short month and year (Mar 2026, 2026年3月). */
export function formatMonth(month: string, locale: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}
