import { minorDigits } from './format.ts';

/**
 * Money typed in major units ("129.99" CNY) to the API's minor units (12999); null when the text
 * is not a number. Editors send the text itself then, so the server's validation names the field.
 */
export function toMinor(text: string, currency: string): number | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '' || !Number.isFinite(Number(trimmed))) return null;
  return Math.round(Number(trimmed) * 10 ** minorDigits(currency));
}

/** Minor units as the text of an input in major units: 12999 CNY → "129.99", 100000 → "1000". */
export function toMajorText(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  return String(Number((amount / 10 ** digits).toFixed(digits)));
}

/** A number typed in a form, or the text as typed when it is not one (the server then names it). */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/** An ISO instant as a `datetime-local` value in the browser's time zone ('' for none). */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (the browser's time zone) as an ISO instant; null for none. */
export function localInputToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** The browser's offset from UTC as `UTC+08:00`, to say which zone a date-time input means. */
export function localZoneLabel(at: Date = new Date()): string {
  const minutes = -at.getTimezoneOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
