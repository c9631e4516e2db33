import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ZodError } from 'zod';
import { AppError, type ErrorDetail, Errors } from '../errors.ts';

/** Fastify's own error codes for bodies it cannot parse, mapped to our catalogue. */
const FASTIFY_CODES: Record<string, AppError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: new AppError(Errors.REQUEST_MALFORMED_JSON),
  FST_ERR_CTP_EMPTY_JSON_BODY: new AppError(Errors.REQUEST_MALFORMED_JSON, 'The JSON body is empty'),
  FST_ERR_CTP_BODY_TOO_LARGE: new AppError(Errors.REQUEST_BODY_TOO_LARGE),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: new AppError(Errors.REQUEST_UNSUPPORTED_MEDIA_TYPE),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: new AppError(Errors.REQUEST_MALFORMED_JSON, 'Content-Length is wrong'),
};

/** `/events/3/amount` in the body becomes `events.3.amount`; other parts get their name first. */
function detailPath(context: string | undefined, instancePath: string): string {
  const inner = instancePath.split('/').filter(Boolean).join('.');
  if (!context || context === 'body') return inner || '(body)';
  const part = context === 'querystring' ? 'query' : context;
  return inner ? `${part}.${inner}` : part;
}

/** One detail per bad field from a zod error raised inside a service. */
export function zodDetails(error: ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const body: { code: string; message: string; details?: ErrorDetail[] } = {
    code: error.code,
    message: error.message,
  };
  if (error.details) body.details = error.details;
  return reply.status(error.status).send({ error: body });
}

/** The one place errors become responses: `{ error: { code, message, details } }`. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.status === 429 && error.details?.[0]?.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(error.details[0].retryAfterSeconds));
      }
      return sendError(reply, error);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({
        path: detailPath(error.validationContext, v.instancePath),
        message: v.message ?? 'invalid',
      }));
      return sendError(reply, new AppError(Errors.VALIDATION_FAILED, undefined, details));
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendError(reply, mapped);
    if (error.validation) {
      const details = error.validation.map((v) => ({
        path: detailPath(error.validationContext, v.instancePath),
        message: v.message ?? 'invalid',
      }));
      return sendError(reply, new AppError(Errors.VALIDATION_FAILED, undefined, details));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(
        reply,
        new AppError({ code: 'VALIDATION_FAILED', status: error.statusCode, message: error.message }),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, new AppError(Errors.INTERNAL_ERROR));
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AppError(Errors.REQUEST_NOT_FOUND, `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
