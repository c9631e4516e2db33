import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { decodeCursor, pageQuerySchema, toPage } from '../../http/pagination.ts';
import { actorOf } from '../../http/principal.ts';
import { STORE_ID_PATTERN } from '../../lib/ids.ts';
import { memberSegments } from './segments.membership.ts';
import { openSegmentMemberStream, previewDefinition, segmentMemberPage } from './segments.query.ts';
import {
  archiveSegment,
  countSegment,
  createSegment,
  getSegment,
  listSegmentFields,
  listSegmentSizes,
  listSegments,
  updateSegment,
} from './segments.service.ts';
import {
  fieldDtoSchema,
  memberPageSchema,
  memberSegmentsSchema,
  previewDtoSchema,
  previewInputSchema,
  segmentDtoSchema,
  segmentIdParams,
  segmentInputSchema,
  segmentSummarySchema,
  segmentUpdateSchema,
  sizesDtoSchema,
} from './segments.types.ts';

const tags = ['segments'];
const params = segmentIdParams;
const memberParams = z.object({ id: z.string().regex(STORE_ID_PATTERN, 'must be a member id') });

/** `text/csv` of member ids only (no personal data), streamed page by page. */
async function csvStream(ctx: AppContext, id: string): Promise<Readable> {
  const pages = await openSegmentMemberStream(ctx, id);
  async function* lines() {
    yield 'member_id\n';
    for await (const ids of pages) yield `${ids.join('\n')}\n`;
  }
  return Readable.from(lines());
}

/** `/v1/segments…` and `/v1/members/{id}/segments`. */
export function segmentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/segments/fields',
      {
        schema: {
          tags,
          summary: 'Fields a segment definition can test, with types, labels, units and operators',
          response: { 200: z.object({ data: z.array(fieldDtoSchema) }) },
        },
      },
      async (request) => {
        requireScope(request, 'segments:read');
        return listSegmentFields(ctx);
      },
    );

    app.post(
      '/segments/preview',
      {
        schema: {
          tags,
          summary: 'Size and up to 20 members of a definition, without saving it',
          body: previewInputSchema,
          response: { 200: previewDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'segments:read');
        return previewDefinition(ctx, request.body.definition);
      },
    );

    app.post(
      '/segments',
      {
        schema: {
          tags,
          summary: 'Save a segment (audited); it is counted at once',
          body: segmentInputSchema,
          response: { 201: segmentDtoSchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'segments:write');
        return reply.status(201).send(await createSegment(ctx, actorOf(principal), request.body));
      },
    );

    app.get(
      '/segments',
      {
        schema: {
          tags,
          summary: 'Live segments, newest first',
          querystring: pageQuerySchema,
          response: {
            200: z.object({ data: z.array(segmentSummarySchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        requireScope(request, 'segments:read');
        return listSegments(ctx, request.query);
      },
    );

    app.get(
      '/segments/:id',
      {
        schema: {
          tags,
          summary: 'One segment with its definition and last size',
          params,
          response: { 200: segmentDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'segments:read');
        return getSegment(ctx, request.params.id);
      },
    );

    app.put(
      '/segments/:id',
      {
        schema: {
          tags,
          summary: 'Replace a segment (audited); `version` must be the current one (409 otherwise)',
          params,
          body: segmentUpdateSchema,
          response: { 200: segmentDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'segments:write');
        return updateSegment(ctx, actorOf(principal), request.params.id, request.body);
      },
    );

    app.delete(
      '/segments/:id',
      {
        schema: {
          tags,
          summary: 'Archive a segment (audited); 409 while other segments refer to it',
          params,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'segments:write');
        await archiveSegment(ctx, actorOf(principal), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/segments/:id/count',
      { schema: { tags, summary: 'Count a segment now', params, response: { 200: segmentDtoSchema } } },
      async (request) => {
        requireScope(request, 'segments:write');
        return countSegment(ctx, request.params.id);
      },
    );

    app.get(
      '/segments/:id/sizes',
      {
        schema: {
          tags,
          summary: 'The segment’s size at each count, oldest first',
          params,
          response: { 200: sizesDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'segments:read');
        return listSegmentSizes(ctx, request.params.id);
      },
    );

    app.get(
      '/segments/:id/members',
      {
        schema: {
          tags,
          summary: 'Members in the segment now, by member id',
          params,
          querystring: pageQuerySchema,
          response: { 200: memberPageSchema },
        },
      },
      async (request) => {
        requireScope(request, 'segments:read');
        const after = decodeCursor<[string]>(request.query.cursor, ['string']);
        const ids = await segmentMemberPage(
          ctx,
          request.params.id,
          after?.[0] ?? null,
          request.query.limit + 1,
        );
        const page = toPage(ids, request.query.limit, (id) => [id]);
        return { data: page.data.map((memberId) => ({ memberId })), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/segments/:id/export',
      {
        schema: {
          tags,
          summary: 'CSV of the member ids in the segment now (header member_id; no personal data)',
          params,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        requireScope(request, 'segments:read');
        const stream = await csvStream(ctx, request.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${request.params.id}.csv"`)
          .send(stream);
      },
    );

    app.get(
      '/members/:id/segments',
      {
        schema: {
          tags,
          summary: 'The live segments a member is in now (a member may read their own)',
          params: memberParams,
          response: { 200: memberSegmentsSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'segments:read');
        const data = await memberSegments(ctx, request.params.id);
        if (data === null) throw appError(Errors.MEMBER_NOT_FOUND);
        return { data };
      },
    );
  };
}
