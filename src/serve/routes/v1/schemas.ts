/** Request and response schemas of API v1 (zod: validation and the OpenAPI document from one source). */
import { z } from 'zod';
import { MAX_JOB_INPUTS, MAX_PAGE_SIZE } from '../../jobs/service.js';

export const MAX_BATCH_INPUTS = 1000;

const version = z
  .union([z.number().int().min(1), z.string().min(1).max(60)])
  .describe('a version number, or an alias such as "staging"; default: the served version');

export const ModelParams = z.object({ name: z.string().min(1).max(200) }).strict();

export const PredictBody = z
  .object({
    input: z
      .union([z.record(z.string(), z.unknown()), z.string()])
      .optional()
      .describe('the model\'s input fields (its signature), e.g. {"users": 120, "service": "cart"}'),
    text: z.string().optional().describe('text models: the text to classify (same as input: {"text": …})'),
    version: version.optional(),
  })
  .strict();

export const BatchBody = z
  .object({
    inputs: z.array(z.unknown()).min(1).max(MAX_BATCH_INPUTS).describe('1–1,000 inputs, each as `input` above'),
    version: version.optional(),
  })
  .strict();

export const JobBody = z
  .object({
    model: z.string().min(1).max(200).optional().describe('a served model; default: the default model'),
    version: version.optional(),
    inputs: z.array(z.unknown()).min(1).max(MAX_JOB_INPUTS).describe('1–100,000 inputs'),
  })
  .strict();

export const JobParams = z.object({ id: z.string().min(1).max(200) }).strict();

export const ResultsQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  })
  .strict();

export const FeedbackBody = z
  .object({
    prediction_id: z.string().min(1).max(200),
    label: z.union([z.string().min(1).max(1000), z.number()]).describe('the correct answer'),
    comment: z.string().max(10_000).optional(),
  })
  .strict();

const PredictionFields = z.object({}).catchall(z.unknown()).describe("the model's output fields");

export const PredictResponse = PredictionFields.extend({
  model: z.string(),
  version: z.number().int(),
  request_id: z.string(),
  prediction_id: z.string(),
  cached: z.boolean(),
});

export const BatchResponse = z.object({
  model: z.string(),
  version: z.number().int(),
  request_id: z.string(),
  predictions: z.array(PredictionFields.extend({ prediction_id: z.string(), cached: z.boolean() })),
});

const JobStatus = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

export const JobCreated = z.object({ job_id: z.string(), status: z.literal('queued'), total: z.number().int() });

export const JobResponse = z.object({
  job_id: z.string(),
  model: z.string(),
  version: z.number().int(),
  status: JobStatus,
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  error: z.string().nullable(),
});

export const ResultsResponse = z.object({
  job_id: z.string(),
  page: z.number().int(),
  page_size: z.number().int(),
  total: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      output: z.unknown().optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

export const CancelResponse = z.object({ job_id: z.string(), status: z.literal('cancelled') });

export const ModelsResponse = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      version: z.number().int(),
      reference: z.string(),
      aliases: z.array(z.string()),
      flavor: z.string(),
      default: z.boolean(),
    }),
  ),
});

export const ModelResponse = z.object({
  name: z.string(),
  version: z.number().int(),
  reference: z.string(),
  aliases: z.array(z.string()),
  flavor: z.string(),
  signature: z.object({ inputs: z.array(z.unknown()), outputs: z.array(z.unknown()) }),
  metrics: z.record(z.string(), z.number()),
  created_at: z.string(),
  shadow: z
    .object({
      reference: z.string(),
      version: z.number().int(),
      agreement: z.object({
        rate: z.number().nullable(),
        window_n: z.number(),
        compared: z.number(),
        agreed: z.number(),
      }),
    })
    .optional()
    .describe('the shadow version receiving mirrored traffic, when one is configured'),
});

export const DriftResponse = z.object({
  model: z.string(),
  version: z.number().int(),
  inputs: z.record(z.string(), z.number().nullable()),
  prediction: z.number().nullable(),
  prediction_kind: z.enum(['numeric', 'categorical']).nullable(),
  baseline_n: z.number().int(),
  current_n: z.number().int(),
  baseline_complete: z.boolean(),
});

export const FeedbackResponse = z.object({ feedback_id: z.string() });

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  request_id: z.string(),
});
