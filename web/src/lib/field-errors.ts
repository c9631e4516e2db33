import { ApiError } from '../api/client.ts';

/** The server's validation messages by path (`condition.all.1.value` → "must be a number"). */
export type PathErrors = ReadonlyMap<string, string>;

export const NO_ERRORS: PathErrors = new Map();

/**
 * The details of a 400 VALIDATION_FAILED (or another error that names paths) by path, with
 * `prefix` removed (`rules.0.` for the draft in a preview); details outside the prefix are
 * dropped. Several messages for one path are joined.
 */
export function pathErrorsOf(error: unknown, prefix = ''): Map<string, string> {
  const errors = new Map<string, string>();
  if (!(error instanceof ApiError)) return errors;
  for (const detail of error.details) {
    const path = detail.path ?? '';
    if (prefix && !path.startsWith(prefix)) continue;
    const key = path.slice(prefix.length);
    const message = detail.message ?? error.message;
    const previous = errors.get(key);
    errors.set(key, previous ? `${previous}; ${message}` : message);
  }
  return errors;
}

/** The message at `path` and every path below it (`cap` covers `cap.points`), joined. */
export function errorsUnder(errors: PathErrors, path: string): string | undefined {
  const found: string[] = [];
  for (const [key, message] of errors) if (key === path || key.startsWith(`${path}.`)) found.push(message);
  return found.length > 0 ? found.join('; ') : undefined;
}

/** The entries whose path no field of the form shows, as `path: message` lines. */
export function unshownErrors(errors: PathErrors, shown: (path: string) => boolean): string[] {
  return [...errors]
    .filter(([path]) => !shown(path))
    .map(([path, message]) => (path ? `${path}: ${message}` : message));
}

export function isValidationError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'VALIDATION_FAILED';
}
