/** GET /api/v1/models and /api/v1/models/{name}: what is served, at which version, with which signature. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ServeContext } from '../../context.js';
import { responseOf, schemaOf } from '../../http/validation.js';
import { driftKey } from '../../models/inference.js';
import { DriftResponse, ErrorResponse, ModelParams, ModelResponse, ModelsResponse } from './schemas.js';

export function registerModelRoutes(app: FastifyInstance, context: ServeContext): void {
  app.get(
    '/api/v1/models',
    {
      schema: {
        summary: 'List the served models',
        tags: ['models'],
        response: { 200: responseOf(ModelsResponse, 'the served models and the version each answers with') },
      },
    },
    async () => ({
      models: context.pool.list().map((served) => ({
        name: served.name,
        version: served.current.number,
        reference: served.reference,
        aliases: served.info.aliases,
        flavor: served.current.predictor.flavor,
        default: served.name === context.pool.defaultName,
      })),
    }),
  );

  app.get(
    '/api/v1/models/:name',
    {
      schema: {
        summary: 'Describe a served model: version, signature, flavor, metrics',
        tags: ['models'],
        params: schemaOf(ModelParams),
        response: {
          200: responseOf(ModelResponse, 'the served version of the model'),
          404: responseOf(ErrorResponse, 'not served here'),
        },
      },
    },
    async (request) => {
      const served = context.pool.served((request.params as z.infer<typeof ModelParams>).name);
      const { info, current } = served;
      return {
        name: served.name,
        version: current.number,
        reference: served.reference,
        aliases: info.aliases,
        flavor: current.predictor.flavor,
        signature: { inputs: current.adapter.inputs, outputs: current.adapter.outputs },
        metrics: info.metrics,
        created_at: info.createdAt,
        ...(context.shadows.view(served.name) ? { shadow: context.shadows.view(served.name) } : {}),
      };
    },
  );

  app.get(
    '/api/v1/models/:name/drift',
    {
      schema: {
        summary:
          'Drift of the served version: PSI of each input feature and of the predictions, recent window vs its first predictions',
        tags: ['models'],
        params: schemaOf(ModelParams),
        response: {
          200: responseOf(
            DriftResponse,
            'PSI per input feature and for the prediction (null until both windows have data)',
          ),
          404: responseOf(ErrorResponse, 'not served here'),
        },
      },
    },
    async (request) => {
      const served = context.pool.served((request.params as z.infer<typeof ModelParams>).name);
      const version = served.current.number;
      return { model: served.name, version, ...context.drift.psi(driftKey(served.name, version)) };
    },
  );
}
