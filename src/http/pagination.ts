import { z } from 'zod';
import { appError, Errors } from '../errors.ts';

/** `?limit=&cursor=` as every list route takes them. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

/** Opaque cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends unknown[]>(
  cursor: string | undefined,
  shape: ('string' | 'number')[],
): T | null {
  if (cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i]))
      return key as T;
  } catch {
    // fall through to the error below
  }
  throw appError(Errors.REQUEST_CURSOR_INVALID);
}

/** `{ data, nextCursor }` from one extra row fetched beyond `limit`. */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => unknown[],
): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
