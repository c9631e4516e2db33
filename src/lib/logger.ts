import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. Personal data must never reach a log:
 * request bodies are not logged at all, query strings are cut from URLs (see serializers), and
 * these paths catch anything a handler logs by mistake.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'password',
  '*.password',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'name',
  '*.name',
  'birthday',
  '*.birthday',
  'address',
  '*.address',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
];

/** Drops the query string: `?email=…` lookups would otherwise write personal data to the log. */
function urlWithoutQuery(url: string | undefined): string | undefined {
  return url?.split('?')[0];
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          method: req.method,
          url: urlWithoutQuery(req.url),
          id: req.id,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
