/** POST /api/v1/feedback: the correct answer for a prediction, stored for evaluation. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ServeContext } from '../../context.js';
import { responseOf, schemaOf } from '../../http/validation.js';
import { ErrorResponse, FeedbackBody, FeedbackResponse } from './schemas.js';

export function registerFeedbackRoutes(app: FastifyInstance, context: ServeContext): void {
  app.post(
    '/api/v1/feedback',
    {
      schema: {
        summary: 'Record the correct label for a prediction',
        tags: ['feedback'],
        body: schemaOf(FeedbackBody),
        response: {
          201: responseOf(FeedbackResponse, 'stored'),
          404: responseOf(ErrorResponse, 'no such prediction'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof FeedbackBody>;
      const { feedback_id, model } = await context.feedback.add(
        { prediction_id: body.prediction_id, label: String(body.label), comment: body.comment },
        request.apiKeyId ?? null,
      );
      context.metrics.feedback.inc({ model });
      void reply.status(201);
      return { feedback_id };
    },
  );
}
