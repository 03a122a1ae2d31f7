/**
 * The v1 API on the wire: every request and response body the client sends or receives. Plain
 * types only, no imports, so the client can ship to browsers (the dashboard) unchanged.
 */

export type JsonObject = Record<string, unknown>;

// ── predictions ─────────────────────────────────────────────────────────────────────────────────

/**
 * One input: `input` for tabular models (its signature's fields), `text` for text classifiers
 * (the same as `input: { text }`); `version` a number or an alias such as "staging".
 */
export interface PredictRequest {
  input?: JsonObject | string;
  text?: string;
  version?: number | string;
}

/** What every prediction response adds to the model's own output fields. */
export interface PredictionMeta {
  model: string;
  version: number;
  request_id: string;
  /** Quote it in `feedback` to correct this prediction. */
  prediction_id: string;
  /** True when answered from the cache. */
  cached: boolean;
}

/** The model's output fields (`O`) plus the metadata. */
export type PredictResponse<O extends object = JsonObject> = O & PredictionMeta;

export type SentimentLabel = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL';

export interface SentimentOutput {
  label: SentimentLabel;
  score: number;
}

/** The default model's answer to `POST /api/v1/predict` with `{ text }`. */
export type SentimentPrediction = PredictResponse<SentimentOutput>;

/** One input of a batch or job: as `input` of a PredictRequest (`{ text }` for text models). */
export type BatchInput = JsonObject | string;

export interface BatchOptions {
  version?: number | string;
}

export interface BatchResponse<O extends object = JsonObject> {
  model: string;
  version: number;
  request_id: string;
  /** In the order of the inputs. */
  predictions: Array<O & { prediction_id: string; cached: boolean }>;
}

// ── async jobs ──────────────────────────────────────────────────────────────────────────────────

export type JobStatusName = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface CreateJobRequest {
  /** The default model when absent. */
  model?: string;
  version?: number | string;
  /** 1 to 100,000 inputs, each as in a batch. */
  inputs: readonly BatchInput[];
}

export interface JobCreated {
  job_id: string;
  status: 'queued';
  total: number;
}

export interface JobError {
  code: string;
  message: string;
}

export interface JobStatus {
  job_id: string;
  model: string;
  version: number;
  status: JobStatusName;
  total: number;
  /** Inputs processed so far (successes and failures). */
  done: number;
  failed: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** When the results will be deleted (a set time after completion). */
  expires_at: string | null;
  /** Why the job failed, when it did. */
  error: string | null;
}

export interface JobResultsQuery {
  /** 1-based. */
  page?: number;
  page_size?: number;
}

export interface JobResult<O extends object = JsonObject> {
  /** Position of the input in the job. */
  index: number;
  output?: O;
  /** Why this input failed (the others still ran). */
  error?: JobError;
}

export interface JobResultsPage<O extends object = JsonObject> {
  job_id: string;
  page: number;
  page_size: number;
  total: number;
  results: Array<JobResult<O>>;
}

export interface JobCancelled {
  job_id: string;
  status: 'cancelled';
}

export interface WaitForJobOptions {
  /** Between polls (default 250 ms). */
  intervalMs?: number;
  /** Give up after this long (default 60,000 ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

// ── models ──────────────────────────────────────────────────────────────────────────────────────

export interface FieldSpec {
  name: string;
  type: string;
  shape?: number[];
  optional?: boolean;
  description?: string;
}

export interface ModelSignature {
  inputs: FieldSpec[];
  outputs: FieldSpec[];
}

export interface ModelSummary {
  name: string;
  version: number;
  /** What the server was told to serve, e.g. `sentiment@prod`. */
  reference: string;
  aliases: string[];
  flavor: string;
  /** True for the model behind `POST /api/v1/predict`. */
  default: boolean;
}

export interface ModelList {
  models: ModelSummary[];
}

export interface ModelDetail {
  name: string;
  version: number;
  reference: string;
  aliases: string[];
  flavor: string;
  signature: ModelSignature;
  metrics: Record<string, number>;
  created_at: string;
}

/** Population stability index of each input feature and of the predictions, current vs baseline. */
export interface DriftResponse {
  model: string;
  version?: number;
  inputs: Record<string, number | null>;
  prediction: number | null;
  prediction_kind?: 'numeric' | 'categorical' | null;
  baseline_n: number;
  current_n: number;
  baseline_complete?: boolean;
}

// ── feedback and operations ─────────────────────────────────────────────────────────────────────

export interface FeedbackRequest {
  prediction_id: string;
  /** The correct label (or value). */
  label: string | number;
  comment?: string;
}

export interface FeedbackCreated {
  feedback_id: string;
}

export interface HealthResponse {
  status: 'ok';
}

export type ReadinessStatus = 'ready' | 'degraded' | 'not_ready';

/** `GET /readyz`: 200 with ready or degraded, 503 with not_ready; the client returns both. */
export interface ReadinessResponse {
  status: ReadinessStatus;
  /** Each served model, loaded at which version. */
  models?: Record<string, { version: number; reference: string; state: string }>;
  /** Each store: ok, down, degraded (served without it), in-process or off. */
  stores?: Record<string, string>;
}

/** The error envelope every failed request answers with. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: unknown };
  request_id?: string;
}
