/**
 * The BigQuery v2 REST conversation behind the BigQuery warehouse: tables (get, insert, list,
 * delete), queries (jobs.query, then jobs.getQueryResults until complete and every page read) and
 * load jobs (a multipart upload of newline-delimited JSON, polled with jobs.get until done), with
 * Google's errors mapped to the catalogue's codes.
 */

import { randomBytes } from 'node:crypto';
import {
  apiRoot,
  GoogleApiError,
  type GoogleRestOptions,
  googleAuthError,
  googleFetch,
  googleJson,
  multipartRelated,
} from '../artifacts/google-rest.js';
import { maskUrl } from '../config/mask.js';
import { FleetcastError } from '../errors.js';
import { type BigQueryField, fromRows, queryParameters } from './bigquery-values.js';
import { assertIdentifier, closedError, type ResultSet } from './sql.js';

export const BIGQUERY_DEFAULT_ENDPOINT = 'https://bigquery.googleapis.com';

export interface BigQueryWarehouseOptions {
  project: string;
  dataset: string;
  /** Where jobs run (US, EU, a region); BigQuery infers it from the dataset when absent. */
  location?: string;
  /** API root (default https://bigquery.googleapis.com), e.g. an emulator's http://127.0.0.1:9050. */
  endpoint?: string;
  /** OAuth 2 access token (GOOGLE_OAUTH_ACCESS_TOKEN); none for an emulator. */
  accessToken?: string;
  timeoutMs?: number;
  /** Longest wait between polls of a running job. */
  maxPollMs?: number;
}

export interface TableInfo {
  columns: string[];
  fields: BigQueryField[];
  key: string[];
}

interface JobStatus {
  state?: string;
  errorResult?: { reason?: string; message?: string };
  errors?: Array<{ reason?: string; message?: string }>;
}

interface QueryPage {
  jobComplete?: boolean;
  jobReference?: { projectId: string; jobId: string; location?: string };
  schema?: { fields?: BigQueryField[] };
  rows?: Array<{ f: Array<{ v: unknown }> }>;
  pageToken?: string;
}

export class BigQueryRest {
  readonly project: string;
  readonly dataset: string;
  private readonly location: string | undefined;
  private readonly rest: GoogleRestOptions;
  private readonly maxPollMs: number;
  private closed = false;

  constructor(options: BigQueryWarehouseOptions) {
    this.project = options.project;
    this.dataset = assertIdentifier(options.dataset, 'dataset');
    this.location = options.location;
    this.maxPollMs = options.maxPollMs ?? 1_000;
    this.rest = {
      endpoint: apiRoot(options.endpoint ?? BIGQUERY_DEFAULT_ENDPOINT),
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      timeoutMs: options.timeoutMs ?? 30_000,
      what: `BigQuery dataset ${this.project}.${this.dataset}`,
    };
  }

  close(): void {
    this.closed = true;
  }

  get datasetPath(): string {
    return `/bigquery/v2/projects/${encodeURIComponent(this.project)}/datasets/${encodeURIComponent(this.dataset)}`;
  }

  /** A fully qualified table reference for SQL. */
  ref(table: string): string {
    return `\`${this.project}.${this.dataset}.${table}\``;
  }

  /** tables.insert; false when the table exists already. */
  async createTable(table: string, fields: BigQueryField[], extra: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await this.call(`${this.datasetPath}/tables`, {
        method: 'POST',
        body: {
          tableReference: { projectId: this.project, datasetId: this.dataset, tableId: table },
          schema: { fields },
          ...extra,
        },
      });
      return true;
    } catch (error) {
      if (error instanceof FleetcastError && (error.cause as GoogleApiError | undefined)?.status === 409) return false;
      throw error;
    }
  }

  async deleteTable(table: string): Promise<void> {
    await this.call(`${this.datasetPath}/tables/${encodeURIComponent(table)}`, { method: 'DELETE' });
  }

  async listTables(): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.call<{ tables?: Array<{ tableReference: { tableId: string } }>; nextPageToken?: string }>(
        `${this.datasetPath}/tables?maxResults=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      );
      for (const table of page.tables ?? []) names.push(table.tableReference.tableId);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return names;
  }

  /** tables.get: the schema and key, or undefined when the table does not exist. */
  async describe(table: string): Promise<TableInfo | undefined> {
    if (this.closed) throw closedError(`bigquery://${this.project}/${this.dataset}`);
    try {
      const resource = await googleJson<{
        schema?: { fields?: BigQueryField[] };
        tableConstraints?: { primaryKey?: { columns?: string[] } };
      }>(this.rest, `${this.datasetPath}/tables/${encodeURIComponent(table)}`);
      const fields = resource.schema?.fields ?? [];
      return {
        fields,
        columns: fields.map((field) => field.name),
        key: resource.tableConstraints?.primaryKey?.columns ?? [],
      };
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 404 && /table/i.test(error.message)) return undefined;
      throw this.bigQueryError(error);
    }
  }

  /** Runs one statement through jobs.query, polling and paging until every row is read. */
  async query(sql: string, params: readonly unknown[]): Promise<ResultSet> {
    let page = await this.call<QueryPage>(`/bigquery/v2/projects/${encodeURIComponent(this.project)}/queries`, {
      method: 'POST',
      body: {
        query: sql,
        useLegacySql: false,
        defaultDataset: { projectId: this.project, datasetId: this.dataset },
        ...(params.length > 0 ? { parameterMode: 'NAMED', queryParameters: queryParameters(params) } : {}),
        formatOptions: { useInt64Timestamp: true },
        timeoutMs: 10_000,
        ...(this.location ? { location: this.location } : {}),
      },
    });
    const job = page.jobReference;
    const next = async (pageToken?: string) => {
      if (!job) throw new FleetcastError('FLEETCAST_BACKEND_ERROR', 'BigQuery answered a query without a job id');
      const query = new URLSearchParams({ timeoutMs: '10000', 'formatOptions.useInt64Timestamp': 'true' });
      if (job.location) query.set('location', job.location);
      if (pageToken) query.set('pageToken', pageToken);
      return this.call<QueryPage>(
        `/bigquery/v2/projects/${encodeURIComponent(job.projectId)}/queries/${encodeURIComponent(job.jobId)}?${query}`,
      );
    };
    for (let wait = 50; !page.jobComplete; wait = Math.min(this.maxPollMs, wait * 2)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      page = await next();
    }
    const fields = page.schema?.fields ?? [];
    const rows = fromRows(fields, page.rows ?? []);
    while (page.pageToken) {
      page = await next(page.pageToken);
      rows.push(...fromRows(fields, page.rows ?? []));
    }
    return { columns: fields.map((field) => field.name), rows };
  }

  /** One load job of newline-delimited JSON into `table`, waited for. */
  async load(table: string, ndjson: Buffer): Promise<void> {
    const job = {
      jobReference: {
        projectId: this.project,
        jobId: `fleetcast_load_${randomBytes(8).toString('hex')}`,
        ...(this.location ? { location: this.location } : {}),
      },
      configuration: {
        load: {
          destinationTable: { projectId: this.project, datasetId: this.dataset, tableId: table },
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          writeDisposition: 'WRITE_APPEND',
          createDisposition: 'CREATE_NEVER',
          maxBadRecords: 0,
        },
      },
    };
    const upload = multipartRelated(job, ndjson, 'application/octet-stream');
    let status: JobStatus | undefined;
    let reference: { projectId: string; jobId: string; location?: string } | undefined;
    try {
      const response = await googleFetch(
        this.rest,
        `/upload/bigquery/v2/projects/${encodeURIComponent(this.project)}/jobs?uploadType=multipart`,
        { method: 'POST', headers: { 'content-type': upload.contentType }, body: upload.body },
      );
      const started = (await response.json()) as { jobReference?: typeof reference; status?: JobStatus };
      status = started.status;
      reference = started.jobReference;
    } catch (error) {
      throw this.bigQueryError(error);
    }
    for (let wait = 50; status?.state !== 'DONE'; wait = Math.min(this.maxPollMs, wait * 2)) {
      if (!reference) throw new FleetcastError('FLEETCAST_BACKEND_ERROR', 'BigQuery answered a load without a job id');
      await new Promise((resolve) => setTimeout(resolve, wait));
      const location = reference.location ? `?location=${encodeURIComponent(reference.location)}` : '';
      status = (
        await this.call<{ status?: JobStatus }>(
          `/bigquery/v2/projects/${encodeURIComponent(reference.projectId)}/jobs/${encodeURIComponent(reference.jobId)}${location}`,
        )
      ).status;
    }
    if (status.errorResult) throw this.jobError(status);
  }

  /** One JSON call; errors become the catalogue's codes. */
  async call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    if (this.closed) throw closedError(`bigquery://${this.project}/${this.dataset}`);
    try {
      return await googleJson<T>(this.rest, path, init);
    } catch (error) {
      throw this.bigQueryError(error);
    }
  }

  private bigQueryError(error: unknown): FleetcastError {
    if (error instanceof FleetcastError) return error;
    if (!(error instanceof GoogleApiError)) {
      return new FleetcastError('FLEETCAST_BACKEND_ERROR', `BigQuery: ${String(error)}`, { cause: error });
    }
    if (
      error.status === 401 ||
      (error.status === 403 && /accessDenied|forbidden|authError/i.test(error.reason ?? ''))
    ) {
      return googleAuthError(this.rest, error);
    }
    if (error.status === 404) {
      return new FleetcastError('FLEETCAST_NOT_FOUND', `BigQuery: ${error.message}`, {
        hint:
          /dataset/i.test(error.message) && !/table/i.test(error.message)
            ? `create the dataset first: bq mk --dataset ${this.project}:${this.dataset}`
            : 'create the table first (ensureTable), or check the name with listTables',
        cause: error,
      });
    }
    return new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `BigQuery: ${error.message}${error.reason ? ` (${error.reason})` : ''}`,
      {
        hint: `check the statement and the values against the table in ${maskUrl(this.rest.endpoint)}`,
        details: { status: error.status, ...(error.reason ? { reason: error.reason } : {}) },
        cause: error,
      },
    );
  }

  /** A failed job's errors (the summary first, then up to three specific ones) as one error. */
  private jobError(status: JobStatus): FleetcastError {
    const summary = status.errorResult ?? {};
    const messages = [summary.message, ...(status.errors ?? []).slice(0, 4).map((e) => e.message)].filter(
      (message, index, all): message is string => !!message && all.indexOf(message) === index,
    );
    const reason = summary.reason ?? status.errors?.[0]?.reason;
    return this.bigQueryError(
      new GoogleApiError(reason === 'notFound' ? 404 : 400, messages.join('; ') || 'the job failed', reason),
    );
  }
}
