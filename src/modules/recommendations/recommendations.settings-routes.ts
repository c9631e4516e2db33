import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireMember, requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import { storeIdSchema } from '../items/index.ts';
import { getMemberPreferences, putMemberPreferences } from './recommendations.preferences.ts';
import {
  getRecommendationSettings,
  type StoredSettings,
  updateRecommendationSettings,
} from './recommendations.settings.ts';
import {
  preferencesDtoSchema,
  preferencesSchema,
  type RecommendationSettingsDto,
  recommendationSettingsDtoSchema,
  recommendationSettingsPutSchema,
} from './recommendations.settings-types.ts';

const tags = ['recommendations'];
const params = z.object({ id: storeIdSchema });

function toDto(stored: StoredSettings): RecommendationSettingsDto {
  return {
    version: stored.version,
    settings: stored.settings,
    updatedAt: new Date(stored.updatedAt).toISOString(),
  };
}

/** Settings (`/v1/recommendations/settings`) and onboarding preferences (`/v1/me/preferences`, `/v1/members/{id}/preferences`). */
export function recommendationSettingsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/recommendations/settings',
      {
        schema: {
          tags,
          summary: 'Behaviour weights, decay, model choice, list size, diversity and the A/B experiment',
          response: { 200: recommendationSettingsDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'models:read');
        return toDto(await getRecommendationSettings(ctx, { fresh: true }));
      },
    );

    app.put(
      '/recommendations/settings',
      {
        schema: {
          tags,
          summary: 'Replace the settings; `version` must be the current one (409 otherwise; audited)',
          body: recommendationSettingsPutSchema,
          response: { 200: recommendationSettingsDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'models:manage');
        return toDto(await updateRecommendationSettings(ctx, request.body, actorOf(principal)));
      },
    );

    app.get(
      '/me/preferences',
      {
        schema: {
          tags,
          summary: 'The signed-in member’s onboarding choices (categories and brands)',
          response: { 200: preferencesDtoSchema },
        },
      },
      async (request) => getMemberPreferences(ctx, requireMember(request)),
    );

    app.put(
      '/me/preferences',
      {
        schema: {
          tags,
          summary:
            'Set the signed-in member’s onboarding choices (known top-level categories; up to 20 brands)',
          body: preferencesSchema,
          response: { 200: preferencesDtoSchema },
        },
      },
      async (request) => putMemberPreferences(ctx, requireMember(request), request.body),
    );

    app.get(
      '/members/:id/preferences',
      {
        schema: {
          tags,
          summary: 'A member’s onboarding choices',
          params,
          response: { 200: preferencesDtoSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'members:read');
        return getMemberPreferences(ctx, request.params.id);
      },
    );

    app.put(
      '/members/:id/preferences',
      {
        schema: {
          tags,
          summary: 'Set a member’s onboarding choices (known top-level categories; up to 20 brands)',
          params,
          body: preferencesSchema,
          response: { 200: preferencesDtoSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'members:write');
        return putMemberPreferences(ctx, request.params.id, request.body);
      },
    );
  };
}
