import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireMember } from '../../http/authenticate.ts';
import { memberDtoSchema } from '../members/index.ts';
import {
  changeMemberPassword,
  getOwnProfile,
  loginMember,
  registerMember,
  updateOwnProfile,
} from './auth.service.ts';
import { revokeSession, rotateRefreshToken } from './auth.tokens.ts';
import {
  authTokensSchema,
  changePasswordBodySchema,
  loginBodySchema,
  mePatchSchema,
  refreshBodySchema,
  registerBodySchema,
} from './auth.types.ts';

const authTags = ['member auth'];
const meTags = ['member self-service'];
const noContent = { 204: z.null().describe('Done') };

/** Member self-service: register, login, refresh, logout, and `/v1/me` acting on the caller only. */
export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/register',
      {
        schema: {
          tags: authTags,
          summary: 'Create a member account with a password and sign in',
          security: [],
          body: registerBodySchema,
          response: { 201: authTokensSchema },
        },
      },
      async (request, reply) => reply.status(201).send(await registerMember(ctx, request.body, request.ip)),
    );

    app.post(
      '/auth/login',
      {
        schema: {
          tags: authTags,
          summary: 'Sign in with email or phone and password (rate-limited per account and per address)',
          security: [],
          body: loginBodySchema,
          response: { 200: authTokensSchema },
        },
      },
      async (request) => loginMember(ctx, request.body, request.ip),
    );

    app.post(
      '/auth/refresh',
      {
        schema: {
          tags: authTags,
          summary: 'Trade a refresh token for new tokens; a token used twice revokes the whole login',
          security: [],
          body: refreshBodySchema,
          response: { 200: authTokensSchema },
        },
      },
      async (request) => rotateRefreshToken(ctx, request.body.refreshToken),
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: authTags,
          summary: 'End the login this refresh token belongs to',
          security: [],
          body: refreshBodySchema,
          response: noContent,
        },
      },
      async (request, reply) => {
        await revokeSession(ctx, request.body.refreshToken);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        schema: {
          tags: meTags,
          summary: 'The signed-in member’s profile',
          response: { 200: memberDtoSchema },
        },
      },
      async (request) => getOwnProfile(ctx, requireMember(request)),
    );

    app.patch(
      '/me',
      {
        schema: {
          tags: meTags,
          summary: 'Change the signed-in member’s profile (null clears a field)',
          body: mePatchSchema,
          response: { 200: memberDtoSchema },
        },
      },
      async (request) => updateOwnProfile(ctx, requireMember(request), request.body),
    );

    app.post(
      '/me/password',
      {
        schema: {
          tags: meTags,
          summary: 'Change the password; every session of the member is signed out',
          body: changePasswordBodySchema,
          response: noContent,
        },
      },
      async (request, reply) => {
        await changeMemberPassword(ctx, requireMember(request), request.body, request.ip);
        return reply.status(204).send(null);
      },
    );
  };
}
