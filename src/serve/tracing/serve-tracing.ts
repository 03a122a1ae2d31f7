/**
 * Tracing of one serve app, as the rest of the service sees it. It exists only when tracing is on:
 * with it off the app holds `undefined`, installs no hook and makes no span, so the request path
 * pays one `undefined` check per prediction.
 */
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { maskUrl } from '../../core/config/mask.js';
import type { FleetcastConfig } from '../../core/config/schema.js';
import { errorMessage } from '../../core/errors.js';
import { installServerSpans } from './http-spans.js';
import { PredictionTrace, type TracedModel } from './prediction-spans.js';
import type { TracingSdk } from './sdk.js';

/** How long a shutdown waits for the last spans to reach the collector: well inside the 10 s stop. */
export const TRACING_SHUTDOWN_TIMEOUT_MS = 2000;

export interface StartTracingOptions {
  config: FleetcastConfig;
  logger: Logger;
  /** Least time between two "cannot export" warnings, ms (default 60 s; tests shorten it). */
  failureLogIntervalMs?: number;
}

/** Creates the SDK when `serve.tracing` names an endpoint; undefined (and nothing created) otherwise. */
export async function startTracing(options: StartTracingOptions): Promise<ServeTracing | undefined> {
  const settings = options.config.serve.tracing;
  if (settings.endpoint === undefined) return undefined;
  const endpoint = settings.endpoint;
  const shownEndpoint = maskUrl(endpoint);
  // Loaded here, not at the top: a service without tracing never loads the SDK.
  const { createTracingSdk } = await import('./sdk.js');
  const sdk = createTracingSdk({
    settings: { ...settings, endpoint },
    profile: options.config.profile,
    logger: options.logger,
    shownEndpoint,
    ...(options.failureLogIntervalMs !== undefined ? { failureLogIntervalMs: options.failureLogIntervalMs } : {}),
  });
  options.logger.info(
    {
      endpoint: shownEndpoint,
      from: settings.endpointFrom,
      service_name: settings.serviceName,
      sample_ratio: settings.sampleRatio,
    },
    'tracing: exporting spans over OTLP/HTTP',
  );
  return new ServeTracing(sdk, options.logger);
}

export class ServeTracing {
  readonly #sdk: TracingSdk;
  readonly #logger: Logger;
  #stopped: Promise<void> | undefined;

  constructor(sdk: TracingSdk, logger: Logger) {
    this.#sdk = sdk;
    this.#logger = logger;
  }

  /** Server spans for every request: install before any other hook that can answer. */
  installHttp(app: FastifyInstance): void {
    installServerSpans(app, this.#sdk.tracer, this.#sdk.propagator);
  }

  /** Opens the `predict` span of one call under `parent` (the request's context; a new trace without). */
  startPrediction(parent: Context | undefined, model: TracedModel, inputs: number): PredictionTrace {
    return new PredictionTrace(this.#sdk.tracer, parent ?? ROOT_CONTEXT, model, inputs);
  }

  /**
   * Exports every span ended so far. A failed export is the exporter's to report (it is logged,
   * throttled), not the caller's: this never rejects.
   */
  forceFlush(): Promise<void> {
    return this.#sdk.forceFlush().catch(() => {});
  }

  /**
   * Exports what is left and stops, waiting at most `timeoutMs`: a collector that does not answer
   * costs its spans, never the stop (the CLI ends the process within 10 s whatever happens).
   */
  shutdown(timeoutMs = TRACING_SHUTDOWN_TIMEOUT_MS): Promise<void> {
    this.#stopped ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs).unref();
      });
      const done = this.#sdk.shutdown().then(
        () => 'done' as const,
        (error: unknown) => {
          this.#logger.warn({ err: errorMessage(error) }, 'tracing: the last spans could not be exported');
          return 'done' as const;
        },
      );
      const outcome = await Promise.race([done, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        this.#logger.warn({ after_ms: timeoutMs }, 'tracing: gave up exporting the last spans at shutdown');
      }
    })();
    return this.#stopped;
  }
}
