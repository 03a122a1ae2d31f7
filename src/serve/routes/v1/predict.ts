/** POST /api/v1/models/{name}/predict, /api/v1/predict (the default model), /api/v1/models/{name}/batch. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { FleetcastError } from '../../../core/errors.js';
import type { ServeContext } from '../../context.js';
import { responseOf, schemaOf } from '../../http/validation.js';
import { BatchBody, BatchResponse, ErrorResponse, ModelParams, PredictBody, PredictResponse } from './schemas.js';

const errors = {
  400: responseOf(ErrorResponse, 'the request does not fit the model'),
  404: responseOf(ErrorResponse, 'no such model or version'),
};

export function registerPredictRoutes(app: FastifyInstance, context: ServeContext): void {
  const predictSchema = {
    body: schemaOf(PredictBody),
    response: { 200: responseOf(PredictResponse, "the model's output fields, and which version answered"), ...errors },
  };

  const predict = async (request: FastifyRequest, name: string) => {
    const body = request.body as z.infer<typeof PredictBody>;
    const input = inputOf(body);
    request.servedModel = name;
    return context.inference.withModel(name, body.version, async (model) => {
      const [result] = await context.inference.predictMany(model, [input], request.id, request.traceContext);
      return {
        ...result!.output,
        model: model.name,
        version: model.number,
        request_id: request.id,
        prediction_id: result!.prediction_id,
        cached: result!.cached,
      };
    });
  };

  app.post(
    '/api/v1/models/:name/predict',
    {
      schema: {
        summary: 'Predict one input with a served model',
        tags: ['predict'],
        params: schemaOf(ModelParams),
        ...predictSchema,
      },
    },
    (request) => predict(request, (request.params as z.infer<typeof ModelParams>).name),
  );

  app.post(
    '/api/v1/predict',
    { schema: { summary: 'Predict one input with the default model', tags: ['predict'], ...predictSchema } },
    (request) => {
      const name = context.pool.defaultName;
      if (!name) throw new FleetcastError('FLEETCAST_NOT_FOUND', 'no default model is served');
      return predict(request, name);
    },
  );

  app.post(
    '/api/v1/models/:name/batch',
    {
      schema: {
        summary: 'Predict up to 1,000 inputs at once (synchronous)',
        tags: ['predict'],
        params: schemaOf(ModelParams),
        body: schemaOf(BatchBody),
        response: { 200: responseOf(BatchResponse, 'one prediction per input, in order'), ...errors },
      },
    },
    (request) => {
      const { name } = request.params as z.infer<typeof ModelParams>;
      const body = request.body as z.infer<typeof BatchBody>;
      request.servedModel = name;
      return context.inference.withModel(name, body.version, async (model) => {
        const results = await context.inference.predictMany(model, body.inputs, request.id, request.traceContext);
        return {
          model: model.name,
          version: model.number,
          request_id: request.id,
          predictions: results.map((r) => ({ ...r.output, prediction_id: r.prediction_id, cached: r.cached })),
        };
      });
    },
  );
}

function inputOf(body: z.infer<typeof PredictBody>): unknown {
  if (body.input !== undefined && body.text !== undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'send either input or text, not both', {
      details: { field: 'body' },
    });
  }
  if (body.text !== undefined) return { text: body.text };
  if (body.input === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'body.input is required (or body.text for text models)', {
      details: { field: 'body.input' },
    });
  }
  return body.input;
}
