/**
 * The prediction log, written behind the request: predictions are buffered and inserted in one
 * statement every `flushMs`, so recording adds no database round trip to a request. Feedback first
 * flushes, so a prediction is findable as soon as its answer was sent (on this replica; on another
 * one, after at most `flushMs`).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { errorMessage } from '../../core/errors.js';
import type { ServeTables } from '../tables.js';

export interface PredictionRecord {
  prediction_id: string;
  model: string;
  version: number;
  request_id: string;
  input: unknown;
  output: unknown;
}

/** Beyond this many unwritten records (the database is down or slow), new ones are not kept. */
const MAX_BUFFERED = 50_000;
/** Small statements, with a turn of the event loop between them: an embedded (synchronous) store
 * then never holds requests up for more than one short insert. */
const ROWS_PER_INSERT = 100;

export class PredictionRecorder {
  #buffer: PredictionRecord[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #warned = false;

  constructor(
    private readonly db: Kysely<ServeTables>,
    private readonly logger: Logger,
    private readonly flushMs = 200,
  ) {}

  record(record: PredictionRecord): void {
    if (this.#buffer.length >= MAX_BUFFERED) {
      if (!this.#warned)
        this.logger.warn('the prediction log is behind; predictions are not recorded until it catches up');
      this.#warned = true;
      return;
    }
    this.#buffer.push(record);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.flushMs).unref();
  }

  /** Writes everything recorded so far; resolves when it is in the database. */
  flush(): Promise<void> {
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.#flushing.then(() => this.#write(batch));
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #write(batch: PredictionRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const now = new Date().toISOString();
    try {
      for (let start = 0; start < batch.length; start += ROWS_PER_INSERT) {
        if (start > 0) await nextTurn();
        await this.db
          .insertInto('serve_predictions')
          .values(
            batch.slice(start, start + ROWS_PER_INSERT).map((r) => ({
              prediction_id: r.prediction_id,
              model: r.model,
              version: r.version,
              request_id: r.request_id,
              // JSON.stringify escapes NUL and lone surrogates, so any input fits a text column.
              input: JSON.stringify(r.input),
              output: JSON.stringify(r.output),
              created_at: now,
            })),
          )
          .execute();
      }
      this.#warned = false;
    } catch (error) {
      this.logger.warn({ err: errorMessage(error), lost: batch.length }, 'could not record predictions');
    }
  }
}
