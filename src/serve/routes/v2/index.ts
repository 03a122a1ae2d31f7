/**
 * Open Inference Protocol v2 (KServe) on the same server, reference facts §6: server and model
 * health, metadata, and infer with tensor JSON. Errors are `{error: "…"}` (400 for a bad request,
 * 404 for an unknown model or version, as KServe's own server answers), not the v1 envelope.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { VERSION } from '../../../core/version.js';
import type { ServeContext } from '../../context.js';
import { toEnvelope } from '../../http/errors.js';
import { responseOf, schemaOf } from '../../http/validation.js';
import type { Row } from '../../models/fields.js';
import { DATATYPES, datatypeOf, rowsToTensors, shapeOf, type Tensor, tensorsToRows } from './tensors.js';

const ModelPath = z.object({ model: z.string().min(1).max(200) }).strict();
const VersionPath = z.object({ model: z.string().min(1).max(200), version: z.string().min(1).max(60) }).strict();

const InferRequest = z.object({
  id: z.string().max(200).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        shape: z.array(z.number().int().min(0).max(1_000_000)).min(1).max(8),
        datatype: z.enum(DATATYPES),
        parameters: z.record(z.string(), z.unknown()).optional(),
        data: z.array(z.unknown()),
      }),
    )
    .min(1)
    .max(64),
  outputs: z
    .array(z.object({ name: z.string().min(1).max(200), parameters: z.record(z.string(), z.unknown()).optional() }))
    .optional(),
});

const TensorOut = z.object({
  name: z.string(),
  shape: z.array(z.number()),
  datatype: z.string(),
  data: z.array(z.unknown()),
});
const InferResponse = z.object({
  model_name: z.string(),
  model_version: z.string(),
  id: z.string(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  outputs: z.array(TensorOut),
});
const V2Error = z.object({ error: z.string() });

export async function v2Routes(app: FastifyInstance, context: ServeContext): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toEnvelope(error, request.id);
    if (status >= 500) request.log.error({ err: error, request_id: request.id }, 'request failed');
    const code = status === 404 || status === 401 || status === 413 || status === 429 || status >= 500 ? status : 400;
    void reply.status(code).send({ error: body.error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  const tags = ['open inference protocol v2'];
  const errors = { 400: responseOf(V2Error, 'bad request'), 404: responseOf(V2Error, 'no such model or version') };

  app.get('/', { schema: { summary: 'Server metadata', tags } }, async () => ({
    name: 'fleetcast',
    version: VERSION,
    extensions: [],
  }));
  app.get('/health/live', { schema: { summary: 'Server liveness', tags } }, async () => ({ live: true }));
  app.get('/health/ready', { schema: { summary: 'Server readiness', tags } }, async (_request, reply) => {
    const ready = (await context.readiness()).status !== 'not_ready';
    void reply.status(ready ? 200 : 503);
    return { ready };
  });

  const metadata = async (model: string, version?: string) =>
    context.inference.withModel(model, version, async (loaded) => {
      const served = context.pool.served(model);
      return {
        name: model,
        versions: [...new Set([String(served.current.number), String(loaded.number)])],
        platform: `fleetcast-${loaded.predictor.flavor}`,
        inputs: loaded.adapter.inputs.map((f) => ({ name: f.name, datatype: datatypeOf(f.type), shape: shapeOf(f) })),
        outputs: loaded.adapter.outputs.map((f) => ({ name: f.name, datatype: datatypeOf(f.type), shape: shapeOf(f) })),
      };
    });
  const ready = async (model: string, version?: string) =>
    context.inference.withModel(model, version, async (loaded) => ({
      name: model,
      version: String(loaded.number),
      ready: true,
    }));

  app.get(
    '/models/:model',
    { schema: { summary: 'Model metadata', tags, params: schemaOf(ModelPath), response: errors } },
    (request) => metadata((request.params as z.infer<typeof ModelPath>).model),
  );
  app.get(
    '/models/:model/versions/:version',
    { schema: { summary: 'Model version metadata', tags, params: schemaOf(VersionPath), response: errors } },
    (request) => {
      const { model, version } = request.params as z.infer<typeof VersionPath>;
      return metadata(model, version);
    },
  );
  app.get(
    '/models/:model/ready',
    { schema: { summary: 'Model readiness', tags, params: schemaOf(ModelPath), response: errors } },
    (request) => ready((request.params as z.infer<typeof ModelPath>).model),
  );
  app.get(
    '/models/:model/versions/:version/ready',
    { schema: { summary: 'Model version readiness', tags, params: schemaOf(VersionPath), response: errors } },
    (request) => {
      const { model, version } = request.params as z.infer<typeof VersionPath>;
      return ready(model, version);
    },
  );

  const infer = async (
    request: FastifyRequest,
    model: string,
    version: string | undefined,
    body: z.infer<typeof InferRequest>,
  ) =>
    context.inference.withModel(model, version, async (loaded) => {
      const rows = tensorsToRows(body.inputs as Tensor[], loaded.adapter.inputs);
      const results = await context.inference.predictMany(loaded, rows, request.id, request.traceContext);
      const outputRows: Row[] = results.flatMap((r) => loaded.adapter.tensorRows(r.output));
      return {
        model_name: model,
        model_version: String(loaded.number),
        id: body.id ?? request.id,
        parameters: { prediction_ids: results.map((r) => r.prediction_id) },
        outputs: rowsToTensors(
          outputRows,
          loaded.adapter.outputs,
          body.outputs?.map((o) => o.name),
        ),
      };
    });

  const inferSchema = {
    tags,
    body: schemaOf(InferRequest),
    response: { 200: responseOf(InferResponse, 'one tensor per output'), ...errors },
  };
  app.post(
    '/models/:model/infer',
    { schema: { summary: 'Inference (tensor JSON)', params: schemaOf(ModelPath), ...inferSchema } },
    (request) => {
      const { model } = request.params as z.infer<typeof ModelPath>;
      request.servedModel = model;
      return infer(request, model, undefined, request.body as z.infer<typeof InferRequest>);
    },
  );
  app.post(
    '/models/:model/versions/:version/infer',
    { schema: { summary: 'Inference on one version (tensor JSON)', params: schemaOf(VersionPath), ...inferSchema } },
    (request) => {
      const { model, version } = request.params as z.infer<typeof VersionPath>;
      request.servedModel = model;
      return infer(request, model, version, request.body as z.infer<typeof InferRequest>);
    },
  );
}
