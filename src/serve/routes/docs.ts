/**
 * The OpenAPI 3 document, built by @fastify/swagger from the route schemas (themselves made from the
 * zod schemas that validate requests), at /openapi.json; swagger-ui at /docs, its assets served from
 * the package, no CDN. Registered before the routes so every route is collected.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../core/version.js';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Fleetcast inference service',
        version: VERSION,
        description:
          'Predictions from every registered model (API v1), the Open Inference Protocol v2 (/v2), async jobs, feedback, health and metrics. Errors (v1): {"error": {"code", "message", "details?"}, "request_id"}.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
