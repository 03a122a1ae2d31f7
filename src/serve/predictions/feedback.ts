/**
 * Feedback on a prediction (a corrected label, a comment), stored with a copy of the prediction's
 * input and output so evaluation reads one table, and the prediction log can expire on its own.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { FleetcastError } from '../../core/errors.js';
import type { ServeTables } from '../tables.js';
import type { PredictionRecorder } from './recorder.js';

export interface FeedbackInput {
  prediction_id: string;
  label: string;
  comment?: string | undefined;
}

export class FeedbackStore {
  constructor(
    private readonly db: Kysely<ServeTables>,
    private readonly recorder: PredictionRecorder | undefined,
  ) {}

  async add(input: FeedbackInput, createdBy: string | null): Promise<{ feedback_id: string; model: string }> {
    if (!this.recorder) {
      throw new FleetcastError(
        'FLEETCAST_NOT_AVAILABLE',
        'predictions are not recorded here, so feedback has nothing to refer to',
        {
          details: { setting: 'serve.predictions.record' },
        },
      );
    }
    await this.recorder.flush(); // a prediction answered a moment ago is in the database now
    const prediction = await this.db
      .selectFrom('serve_predictions')
      .selectAll()
      .where('prediction_id', '=', input.prediction_id)
      .executeTakeFirst();
    if (!prediction) {
      throw new FleetcastError(
        'FLEETCAST_NOT_FOUND',
        `no prediction ${input.prediction_id} (unknown, or older than the retention)`,
        {
          details: { prediction_id: input.prediction_id },
        },
      );
    }
    const feedback_id = randomUUID();
    await this.db
      .insertInto('serve_feedback')
      .values({
        feedback_id,
        prediction_id: prediction.prediction_id,
        model: prediction.model,
        version: Number(prediction.version),
        label: input.label,
        comment: input.comment ?? null,
        input: prediction.input,
        output: prediction.output,
        created_by: createdBy,
        created_at: new Date().toISOString(),
      })
      .execute();
    return { feedback_id, model: prediction.model };
  }

  /** Deletes predictions older than `days` (feedback keeps its own copy); returns how many. */
  async expirePredictions(days: number): Promise<number> {
    if (days <= 0) return 0;
    const before = new Date(Date.now() - days * 86_400_000).toISOString();
    const result = await this.db.deleteFrom('serve_predictions').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
