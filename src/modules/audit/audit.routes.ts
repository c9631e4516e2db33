import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { decodeCursor, pageQuerySchema, toPage } from '../../http/pagination.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import { listAuditEntries } from './audit.repository.ts';
import type { AuditLogTable } from './audit.table.ts';
import { verifyAuditChain } from './audit.verify.ts';

const auditQuerySchema = pageQuerySchema.extend({
  actorId: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(64).optional(),
  targetType: z.string().min(1).max(64).optional(),
  targetId: z.string().min(1).max(128).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

const auditEntrySchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

const verifyResultSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  checkedThrough: z.number().int(),
  problems: z.array(
    z.object({
      seq: z.number().int(),
      kind: z.enum(['hash-mismatch', 'missing', 'broken-link', 'head-mismatch']),
      message: z.string(),
      count: z.number().int().optional(),
    }),
  ),
});

function toAuditDto(row: AuditLogTable): z.infer<typeof auditEntrySchema> {
  return { ...row, at: new Date(row.at).toISOString(), details: parseJsonColumn(row.details, {}) };
}

/** `/v1/audit`: the audit log, newest first, and a check of its hash chain (scope audit:read). */
export function auditRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'Audit entries, newest first, with their chain hashes',
          querystring: auditQuerySchema,
          response: { 200: z.object({ data: z.array(auditEntrySchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'audit:read');
        const { limit, cursor, from, to, ...filter } = request.query;
        const before = decodeCursor<[number]>(cursor, ['number']);
        const rows = await listAuditEntries(
          ctx.db,
          {
            ...filter,
            from: from === undefined ? undefined : Date.parse(from),
            to: to === undefined ? undefined : Date.parse(to),
            beforeSeq: before?.[0],
          },
          limit + 1,
        );
        const page = toPage(rows, limit, (row) => [row.seq]);
        return { data: page.data.map(toAuditDto), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/audit/verify',
      {
        schema: {
          tags: ['audit'],
          summary: 'Recompute the hash chain and report edited, missing or cut-off entries',
          response: { 200: verifyResultSchema },
        },
      },
      async (request) => {
        requireScope(request, 'audit:read');
        return verifyAuditChain(ctx);
      },
    );
  };
}
