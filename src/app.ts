import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from './context.ts';
import { createAuthenticator } from './http/authenticate.ts';
import { registerErrorHandler } from './http/error-handler.ts';
import { registerMetrics } from './http/metrics.ts';
import { DEFAULT_WEB_DIST, hasWebBuild, registerWebApp } from './http/static.ts';
import { apiKeyRoutes } from './modules/apikeys/index.ts';
import { auditRoutes } from './modules/audit/index.ts';
import { authRoutes } from './modules/auth/index.ts';
import { clusterRoutes } from './modules/clusters/index.ts';
import { eventRoutes } from './modules/events/index.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { insightsRoutes } from './modules/insights/index.ts';
import { itemRoutes } from './modules/items/index.ts';
import { jobRoutes } from './modules/jobs/index.ts';
import { loyaltyRoutes } from './modules/loyalty/index.ts';
import { memberRoutes } from './modules/members/index.ts';
import { modelRoutes } from './modules/models/index.ts';
import { operatorRoutes } from './modules/operators/index.ts';
import { pointsRoutes } from './modules/points/index.ts';
import { profileRoutes } from './modules/profiles/index.ts';
import { recommendationRoutes, recommendationSettingsRoutes } from './modules/recommendations/index.ts';
import { riskCaseRoutes, riskRoutes } from './modules/risk/index.ts';
import { segmentRoutes } from './modules/segments/index.ts';
import { statsRoutes } from './modules/stats/index.ts';
import { tierRoutes } from './modules/tiers/index.ts';
import { valueRoutes } from './modules/value/index.ts';

export interface BuildAppOptions {
  /** Serve the OpenAPI UI at /docs (off in most tests: it is slow to register). */
  docs?: boolean;
  /** The built dashboard to serve at `/` (default web/dist); false serves none. */
  webDist?: string | false;
}

/** The HTTP application for a context; registers every module and never listens itself. */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    trustProxy: ctx.config.http.trustProxy,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  // The API speaks JSON only; without this, text/plain bodies reach the routes as strings.
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      info: { title: 'Membrain API', version: '1', description: 'Member platform for e-commerce' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key (mk_…), operator or member token' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  if (options.docs !== false) await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerMetrics(app);
  const authenticate = createAuthenticator(ctx);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = await authenticate(request.headers.authorization);
  });

  await app.register(healthRoutes(ctx));
  await app.register(
    async (v1) => {
      await v1.register(authRoutes(ctx));
      await v1.register(memberRoutes(ctx));
      await v1.register(operatorRoutes(ctx));
      await v1.register(apiKeyRoutes(ctx));
      await v1.register(auditRoutes(ctx));
      await v1.register(itemRoutes(ctx));
      await v1.register(eventRoutes(ctx));
      await v1.register(statsRoutes(ctx));
      await v1.register(pointsRoutes(ctx));
      await v1.register(loyaltyRoutes(ctx));
      await v1.register(tierRoutes(ctx));
      await v1.register(jobRoutes(ctx));
      await v1.register(profileRoutes(ctx));
      await v1.register(valueRoutes(ctx));
      await v1.register(modelRoutes(ctx));
      await v1.register(segmentRoutes(ctx));
      await v1.register(clusterRoutes(ctx));
      await v1.register(insightsRoutes(ctx));
      await v1.register(recommendationRoutes(ctx));
      await v1.register(recommendationSettingsRoutes(ctx));
      await v1.register(riskRoutes(ctx));
      await v1.register(riskCaseRoutes(ctx));
    },
    { prefix: '/v1' },
  );
  const webDist = options.webDist ?? DEFAULT_WEB_DIST;
  if (webDist !== false && hasWebBuild(webDist)) await registerWebApp(app, webDist);
  return app;
}
