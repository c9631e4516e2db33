import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { actorOf, type PiiView, type Principal, piiViewOf } from '../../http/principal.ts';
import { maskMemberDto } from './members.dto.ts';
import { getMember, listMembers, recordPiiRead } from './members.read.ts';
import { deleteMember, updateMember, upsertMember } from './members.service.ts';
import {
  type MemberDto,
  memberDtoSchema,
  memberIdSchema,
  memberInputSchema,
  memberListQuerySchema,
  memberPatchSchema,
} from './members.types.ts';

const params = z.object({ id: memberIdSchema });
const piiQuery = z
  .enum(['masked', 'full'])
  .optional()
  .describe(
    'masked: personal data masked, for anyone, not audited; full (default): in full where the caller may see it',
  );
const getQuery = z.object({ includeDeleted: z.enum(['true', 'false']).optional(), pii: piiQuery });
const listQuery = memberListQuerySchema.extend({ pii: piiQuery });
const deletedSchema = z.object({
  id: z.string(),
  status: z.literal('deleted'),
  deletedAt: z.string().nullable(),
});
const pageSchema = z.object({ data: z.array(memberDtoSchema), nextCursor: z.string().nullable() });
const tags = ['members'];

/** Deleted members are visible to people running the shop (admins, operators), nobody else. */
function assertMaySeeDeleted(principal: Principal): void {
  if (principal.kind === 'operator' && (principal.role === 'admin' || principal.role === 'operator')) return;
  throw appError(Errors.AUTH_FORBIDDEN, 'Only operators and admins may read deleted members');
}

/** `?pii=masked` masks for anyone; otherwise the caller's own view (analysts stay masked). */
function viewFor(principal: Principal, requested: PiiView | undefined): PiiView {
  return requested === 'masked' ? 'masked' : piiViewOf(principal);
}

/**
 * The member as this caller may see it. Analysts get it masked; an operator who sees personal
 * data in full leaves an audit entry (API keys are the store's own backend; members see themselves).
 */
async function present(
  ctx: AppContext,
  principal: Principal,
  member: MemberDto,
  requested?: PiiView,
): Promise<MemberDto> {
  if (viewFor(principal, requested) === 'masked') return maskMemberDto(member);
  if (principal.kind === 'operator') await recordPiiRead(ctx, actorOf(principal), [member]);
  return member;
}

/** `/v1/members`: create-or-update, read, patch, soft delete, list and exact lookup. */
export function memberRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/members',
      {
        schema: {
          tags,
          summary: 'Create a member, or update the given fields of the member with this id',
          body: memberInputSchema,
          response: { 200: memberDtoSchema, 201: memberDtoSchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'members:write');
        const result = await ctx.db
          .transaction()
          .execute((trx) => upsertMember(ctx, trx, request.body, actorOf(principal)));
        return reply.status(result.created ? 201 : 200).send(await present(ctx, principal, result.member));
      },
    );

    app.get(
      '/members/:id',
      {
        schema: {
          tags,
          summary: 'One member (personal data masked for analysts)',
          params,
          querystring: getQuery,
          response: { 200: memberDtoSchema },
        },
      },
      async (request) => {
        const principal = requireMemberAccess(request, request.params.id, 'members:read');
        const includeDeleted = request.query.includeDeleted === 'true';
        if (includeDeleted) assertMaySeeDeleted(principal);
        const member = await getMember(ctx, request.params.id, 'full', { includeDeleted });
        return present(ctx, principal, member, request.query.pii);
      },
    );

    app.patch(
      '/members/:id',
      {
        schema: {
          tags,
          summary: 'Change some fields; null clears one; `version` guards against lost updates',
          params,
          body: memberPatchSchema,
          response: { 200: memberDtoSchema },
        },
      },
      async (request) => {
        const principal = requireMemberAccess(request, request.params.id, 'members:write');
        const member = await updateMember(ctx, request.params.id, request.body, actorOf(principal));
        return present(ctx, principal, member);
      },
    );

    app.delete(
      '/members/:id',
      {
        schema: {
          tags,
          summary: 'Soft-delete a member; frees its email and phone',
          params,
          response: { 200: deletedSchema },
        },
      },
      async (request) => {
        const principal = requireMemberAccess(request, request.params.id, 'members:write');
        const member = await deleteMember(ctx, request.params.id, actorOf(principal));
        return { id: member.id, status: 'deleted' as const, deletedAt: member.deletedAt };
      },
    );

    app.get(
      '/members',
      {
        schema: {
          tags,
          summary: 'List members, or look one up by exact email or phone',
          querystring: listQuery,
          response: { 200: pageSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'members:read');
        const query = request.query;
        if (query.segment !== undefined) requireScope(request, 'segments:read');
        if (query.includeDeleted === 'true' || query.status === 'deleted') assertMaySeeDeleted(principal);
        const view = viewFor(principal, query.pii);
        const page = await listMembers(ctx, query, view);
        if (view === 'full' && principal.kind === 'operator')
          await recordPiiRead(ctx, actorOf(principal), page.data, 'list');
        return page;
      },
    );
  };
}
