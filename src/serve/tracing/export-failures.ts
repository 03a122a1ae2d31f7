/**
 * The exporter as the batch processor sees it, with its failures reported in the service's log.
 * Left alone, the SDK reports a failed export through OpenTelemetry's process-wide `diag` logger,
 * which is silent unless an application installs one: a collector that is down would go unnoticed.
 * Logging every failure instead would write a line per export (every few seconds) for as long as
 * the collector is down. So: one warning when exports start failing, then at most one per interval
 * with the count since the last, and one line when they work again.
 */
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import { errorMessage } from '../../core/errors.js';

/** ExportResultCode.SUCCESS; compared by value so this file loads nothing from the SDK. */
const SUCCESS = 0;

export interface ExportFailureLogOptions {
  logger: Logger;
  /** The collector's URL, already masked, for the log lines. */
  endpoint: string;
  /** Least time between two warnings, ms. */
  intervalMs?: number;
}

export class ReportingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #options: ExportFailureLogOptions;
  readonly #intervalMs: number;
  #failing = false;
  #lastWarnedAt = Number.NEGATIVE_INFINITY;
  #unreported = 0;

  constructor(inner: SpanExporter, options: ExportFailureLogOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? 60_000;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(spans, (result) => {
      this.#observe(result, spans.length);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }

  #observe(result: ExportResult, spans: number): void {
    const { logger, endpoint } = this.#options;
    if (result.code === SUCCESS) {
      if (this.#failing) logger.info({ endpoint }, 'tracing: span export works again');
      this.#failing = false;
      this.#unreported = 0;
      return;
    }
    this.#failing = true;
    this.#unreported += spans;
    const now = performance.now();
    if (now - this.#lastWarnedAt < this.#intervalMs) return;
    this.#lastWarnedAt = now;
    logger.warn(
      {
        endpoint,
        err: result.error ? errorMessage(result.error) : 'export failed',
        spans_lost: this.#unreported,
        next_warning_in_s: Math.round(this.#intervalMs / 1000),
      },
      'tracing: cannot export spans to the collector; requests are not affected',
    );
    this.#unreported = 0;
  }
}
