/**
 * The spans of one prediction call below its request's server span:
 *
 *   POST /api/v1/models/:name/predict        SERVER (http-spans.ts)
 *   └─ predict cost                          one per call, however many inputs it carries
 *      ├─ cache lookup                       all of the call's lookups together: hits, misses
 *      └─ inference cost                     the model run of a batch (see traceBatch)
 *
 * Counts rather than one span per input: a batch request of 1,000 inputs would otherwise make
 * thousands of spans and overflow the export queue. Attributes name the model and count inputs;
 * inputs and outputs themselves never go in a span (the service's privacy rule).
 */
import {
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isFleetcastError } from '../../core/errors.js';

/** What a span needs to know of a model version (a LoadedModel is one). */
export interface TracedModel {
  readonly name: string;
  readonly number: number;
  readonly predictor: { readonly flavor: string };
}

const modelAttributes = (model: TracedModel): Attributes => ({
  'fleetcast.model.name': model.name,
  'fleetcast.model.version': model.number,
  'fleetcast.model.flavor': model.predictor.flavor,
});

/** `error.type`: the Fleetcast error code, else the error's class; never its message. */
export function errorType(error: unknown): string {
  if (isFleetcastError(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** The `predict` span of one call, and the handle its inputs carry through the batcher. */
export class PredictionTrace {
  /** The predict span's context: the parent of its cache and batch spans. */
  readonly context: Context;
  readonly spanContext: SpanContext;
  /** Whether the sampler kept this trace (a batch span only hangs under a kept one). */
  readonly sampled: boolean;
  readonly tracer: Tracer;
  readonly #span: Span;

  constructor(tracer: Tracer, parent: Context, model: TracedModel, inputs: number) {
    this.tracer = tracer;
    this.#span = tracer.startSpan(
      `predict ${model.name}`,
      { kind: SpanKind.INTERNAL, attributes: { ...modelAttributes(model), 'fleetcast.inputs': inputs } },
      parent,
    );
    this.context = trace.setSpan(parent, this.#span);
    this.spanContext = this.#span.spanContext();
    this.sampled = (this.spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
  }

  /** Opens the span of this call's cache lookups; the returned function closes it with the counts. */
  cacheLookup(): (hits: number, misses: number) => void {
    const span = this.tracer.startSpan('cache lookup', { kind: SpanKind.INTERNAL }, this.context);
    return (hits, misses) => {
      span.setAttributes({
        'fleetcast.cache.hit': misses === 0,
        'fleetcast.cache.hits': hits,
        'fleetcast.cache.misses': misses,
      });
      span.end();
    };
  }

  /** Points this call at a batch it ran in that hangs under another request. */
  linkBatch(batch: SpanContext): void {
    this.#span.addLink({ context: batch });
  }

  fail(error: unknown): void {
    this.#span.setAttribute('error.type', errorType(error));
    // An input the model refuses is the caller's mistake (a 4xx), not a failure of the service.
    const clientError = isFleetcastError(error) && error.httpStatus < 500;
    if (!clientError) this.#span.setStatus({ code: SpanStatusCode.ERROR });
  }

  end(): void {
    this.#span.end();
  }
}

/**
 * Runs one batch of the dynamic batcher inside an `inference MODEL` span. `traces` holds, for each
 * input of the batch, the prediction it belongs to (undefined for untraced work: jobs, shadows).
 *
 * A batch serves several requests, and a span has one parent. The batch span is the child of the
 * first (oldest) sampled request in it, so an idle service's traces read straight down, request →
 * predict → inference, with the model time where it was spent; it links to every other sampled
 * request it served, and each of those predict spans links back to it, so from any request one
 * hop reaches the run that answered it. Not a trace of its own: with a sample ratio below 1 it
 * would be kept or dropped apart from the requests it explains, and every request's trace would
 * lose its model time. A batch of unsampled requests makes no span at all.
 */
export async function traceBatch<T extends { ok: boolean }>(
  model: TracedModel,
  traces: readonly (PredictionTrace | undefined)[],
  run: () => Promise<T[]>,
): Promise<T[]> {
  // One request can put many inputs in a batch (a batch route): count and link it once.
  const requests = [...new Set(traces)].filter((t): t is PredictionTrace => t?.sampled === true);
  const parent = requests[0];
  if (!parent) return run();
  const others = requests.slice(1);
  const span = parent.tracer.startSpan(
    `inference ${model.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        ...modelAttributes(model),
        'fleetcast.batch.size': traces.length,
        'fleetcast.batch.requests': requests.length,
      },
      links: others.map((request) => ({ context: request.spanContext })),
    },
    parent.context,
  );
  const batch = span.spanContext();
  for (const request of others) request.linkBatch(batch);
  try {
    const outputs = await run();
    const failed = outputs.reduce((count, output) => (output.ok ? count : count + 1), 0);
    if (failed > 0) span.setAttribute('fleetcast.batch.failed_inputs', failed);
    return outputs;
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', errorType(error));
    throw error;
  } finally {
    span.end();
  }
}
