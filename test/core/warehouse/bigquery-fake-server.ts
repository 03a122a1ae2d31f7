/**
 * A local HTTP server speaking the subset of the BigQuery v2 REST API the BigQuery warehouse uses, for
 * contract tests, with DuckDB as its SQL engine (one schema per dataset): datasets.get; tables.insert
 * (schema, REQUIRED modes, primary-key constraint), get, list, delete; jobs.query and
 * jobs.getQueryResults (named parameters, `formatOptions.useInt64Timestamp`, rows as `{f: [{v}]}`
 * text, paging by pageToken, and `jobComplete: false` on the first answer so clients must poll);
 * multipart load jobs of newline-delimited JSON (types and REQUIRED checked, all rows or none, the job
 * `RUNNING` until polled with jobs.get). Errors use the API's envelope and reasons (notFound,
 * duplicate, invalid, invalidQuery); a bearer token is required.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DuckDBDataChunk, DuckDBInstance, JSToDuckDBValueConverter } from '@duckdb/node-api';
import { parseMultipart } from '../artifacts/gcs-fake-server.js';
import {
  BadRequest,
  bigQueryErrorOf,
  cell,
  duckParameter,
  duckType,
  legacyType,
  parseLoadRows,
  type QueryParameter,
  type ResultField,
  resultField,
  standardType,
  translateSql,
} from './bigquery-fake-sql.js';

interface Field {
  name: string;
  type: string;
  mode?: string;
}

interface TableResource {
  tableReference: { projectId: string; datasetId: string; tableId: string };
  schema: { fields: Field[] };
  tableConstraints?: unknown;
  expirationTime?: string;
}

type Job =
  | { kind: 'query'; fields: ResultField[]; rows: Array<{ f: Array<{ v: unknown }> }>; dml?: number }
  | { kind: 'load'; status: Record<string, unknown> };

export interface FakeBigQuery {
  endpoint: string;
  project: string;
  dataset: string;
  token: string;
  requests: number;
  close(): Promise<void>;
}

const CATALOG = 'main.__bq_columns';

export async function startFakeBigQuery(
  options: { project?: string; dataset?: string; token?: string; pageRows?: number } = {},
): Promise<FakeBigQuery> {
  const project = options.project ?? 'fleetcast-test';
  const dataset = options.dataset ?? 'warehouse';
  const token = options.token ?? 'test-token';
  const pageRows = options.pageRows ?? 5000;
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`CREATE SCHEMA "${dataset}"`);
  await db.run(
    `CREATE TABLE ${CATALOG} (table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR,
       ordinal_position BIGINT, is_nullable VARCHAR, data_type VARCHAR)`,
  );
  const datasets = new Set([dataset]);
  const tables = new Map<string, TableResource>();
  const jobs = new Map<string, Job>();
  let chain: Promise<unknown> = Promise.resolve();
  const fake: FakeBigQuery = {
    endpoint: '',
    project,
    dataset,
    token,
    requests: 0,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.closeSync();
      instance.closeSync();
    },
  };

  const routes: Array<
    [string, RegExp, (m: string[], url: URL, body: Buffer, req: IncomingMessage) => Promise<unknown>]
  > = [
    [
      'GET',
      /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)$/,
      async ([, , d]) => {
        return { kind: 'bigquery#dataset', datasetReference: { projectId: project, datasetId: checkDataset(d!) } };
      },
    ],
    [
      'POST',
      /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/,
      async ([, , d], _url, body) => {
        const resource = JSON.parse(body.toString()) as TableResource;
        return createTable(checkDataset(d!), resource);
      },
    ],
    [
      'GET',
      /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/,
      async ([, , d], url) => {
        const ds = checkDataset(d!);
        const ids = [...tables.values()]
          .filter((t) => t.tableReference.datasetId === ds)
          .map((t) => t.tableReference.tableId)
          .sort();
        const start = Number(url.searchParams.get('pageToken') ?? 0);
        const max = Number(url.searchParams.get('maxResults') ?? 50);
        return {
          kind: 'bigquery#tableList',
          tables: ids
            .slice(start, start + max)
            .map((id) => ({ tableReference: tables.get(`${ds}.${id}`)!.tableReference, type: 'TABLE' })),
          ...(start + max < ids.length ? { nextPageToken: String(start + max) } : {}),
        };
      },
    ],
    [
      'GET',
      /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/,
      async ([, , d, t]) => table(checkDataset(d!), t!),
    ],
    [
      'DELETE',
      /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/,
      async ([, , d, t]) => {
        const ds = checkDataset(d!);
        table(ds, t!);
        await db.run(`DROP TABLE "${ds}"."${t}"`);
        await db.run(`DELETE FROM ${CATALOG} WHERE table_schema = '${ds}' AND table_name = '${t}'`);
        tables.delete(`${ds}.${t}`);
        return undefined;
      },
    ],
    [
      'POST',
      /^\/bigquery\/v2\/projects\/([^/]+)\/queries$/,
      async (_m, _url, body) => {
        const request = JSON.parse(body.toString()) as QueryRequest;
        const jobId = `job_${randomBytes(8).toString('hex')}`;
        jobs.set(jobId, await runQuery(request));
        return {
          kind: 'bigquery#queryResponse',
          jobReference: { projectId: project, jobId, location: 'US' },
          jobComplete: false,
        };
      },
    ],
    [
      'GET',
      /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/,
      async ([, , id], url) => {
        const job = jobs.get(id!);
        if (job?.kind !== 'query') throw new BadRequest(`Not found: Job ${project}:US.${id}`, 'notFound');
        const start = Number(url.searchParams.get('pageToken') ?? 0);
        const timestamps = url.searchParams.get('formatOptions.useInt64Timestamp') === 'true';
        if (!timestamps) throw new BadRequest('this fake answers with formatOptions.useInt64Timestamp only', 'invalid');
        const rows = job.rows.slice(start, start + pageRows);
        return {
          kind: 'bigquery#getQueryResultsResponse',
          jobReference: { projectId: project, jobId: id, location: 'US' },
          jobComplete: true,
          schema: { fields: job.fields },
          totalRows: String(job.rows.length),
          ...(job.dml !== undefined ? { numDmlAffectedRows: String(job.dml) } : { rows }),
          ...(start + pageRows < job.rows.length ? { pageToken: String(start + pageRows) } : {}),
        };
      },
    ],
    [
      'POST',
      /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/,
      async (_m, url, body, req) => {
        if (url.searchParams.get('uploadType') !== 'multipart')
          throw new BadRequest('uploadType must be multipart', 'invalid');
        const parts = parseMultipart(String(req.headers['content-type']), body);
        if (!parts) throw new BadRequest('Malformed multipart body', 'invalid');
        const job = JSON.parse(parts.metadata.toString()) as {
          jobReference?: { jobId?: string };
          configuration: { load: LoadConfig };
        };
        const jobId = job.jobReference?.jobId ?? `job_${randomBytes(8).toString('hex')}`;
        jobs.set(jobId, { kind: 'load', status: await runLoad(job.configuration.load, parts.media) });
        return {
          kind: 'bigquery#job',
          jobReference: { projectId: project, jobId, location: 'US' },
          status: { state: 'RUNNING' },
        };
      },
    ],
    [
      'GET',
      /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/,
      async ([, , id]) => {
        const job = jobs.get(id!);
        if (job?.kind !== 'load') throw new BadRequest(`Not found: Job ${project}:US.${id}`, 'notFound');
        return {
          kind: 'bigquery#job',
          jobReference: { projectId: project, jobId: id, location: 'US' },
          status: job.status,
        };
      },
    ],
  ];

  function checkDataset(name: string): string {
    const ds = decodeURIComponent(name);
    if (!datasets.has(ds)) throw new BadRequest(`Not found: Dataset ${project}:${ds}`, 'notFound');
    return ds;
  }

  function table(ds: string, name: string): TableResource {
    const found = tables.get(`${ds}.${decodeURIComponent(name)}`);
    if (!found) throw new BadRequest(`Not found: Table ${project}:${ds}.${name}`, 'notFound');
    return found;
  }

  async function createTable(ds: string, resource: TableResource): Promise<TableResource> {
    const id = resource.tableReference.tableId;
    if (tables.has(`${ds}.${id}`)) throw new BadRequest(`Already Exists: Table ${project}:${ds}.${id}`, 'duplicate');
    const fields = resource.schema.fields.map((f) => ({
      name: f.name,
      type: legacyType(f.type),
      mode: f.mode ?? 'NULLABLE',
    }));
    const columns = fields.map((f) => `"${f.name}" ${duckType(f.type)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`);
    await db.run(`CREATE TABLE "${ds}"."${id}" (${columns.join(', ')})`);
    for (const [i, f] of fields.entries()) {
      await db.run(
        `INSERT INTO ${CATALOG} VALUES ('${project}', '${ds}', '${id}', '${f.name}', ${i + 1}, '${f.mode === 'REQUIRED' ? 'NO' : 'YES'}', '${standardType(f.type)}')`,
      );
    }
    const stored = {
      ...resource,
      tableReference: { projectId: project, datasetId: ds, tableId: id },
      schema: { fields },
    };
    tables.set(`${ds}.${id}`, stored);
    return stored;
  }

  async function runQuery(request: QueryRequest): Promise<Job> {
    if (request.useLegacySql !== false)
      throw new BadRequest('this fake runs GoogleSQL only (useLegacySql: false)', 'invalid');
    const ds = checkDataset(request.defaultDataset?.datasetId ?? dataset);
    const sql = translateSql(request.query, CATALOG);
    const params: Record<string, unknown> = {};
    for (const parameter of request.queryParameters ?? []) {
      if (new RegExp(`\\$${parameter.name}\\b`).test(sql)) params[parameter.name] = duckParameter(parameter);
    }
    try {
      await db.run(`SET schema = '${ds}'`);
      const reader = await db.runAndReadAll(sql, Object.keys(params).length > 0 ? (params as never) : undefined);
      const names = reader.columnNames();
      const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
      if (duplicates.length > 0) {
        throw new BadRequest(
          `Duplicate column names in the result are not supported. Found duplicate(s): ${duplicates.join(', ')}`,
          'invalidQuery',
        );
      }
      if (/^\s*(INSERT|UPDATE|DELETE|MERGE)\b/i.test(sql)) {
        return { kind: 'query', fields: [], rows: [], dml: Number(reader.getRowsJS()[0]?.[0] ?? 0) };
      }
      const fields = reader.columnTypes().map((type, i) => resultField(names[i]!, type));
      const rows = reader
        .getRowsJS()
        .map((values) => ({ f: values.map((value, i) => ({ v: cell(fields[i]!, value) })) }));
      return { kind: 'query', fields, rows };
    } catch (error) {
      throw bigQueryErrorOf(error, project, ds);
    }
  }

  /** A load job's outcome (its `status`): every row, checked, or none. */
  async function runLoad(config: LoadConfig, data: Buffer): Promise<Record<string, unknown>> {
    if (config.sourceFormat !== 'NEWLINE_DELIMITED_JSON')
      throw new BadRequest('this fake loads NEWLINE_DELIMITED_JSON only', 'invalid');
    const ds = checkDataset(config.destinationTable.datasetId);
    const id = config.destinationTable.tableId;
    const target = tables.get(`${ds}.${id}`);
    if (!target) return failed([`Not found: Table ${project}:${ds}.${id}`], 'notFound');
    const { rows, problems } = parseLoadRows(target.schema.fields, data);
    if (problems.length > 0) {
      return failed(
        problems.slice(0, 5).map((p) => `Error while reading data, error message: ${p}`),
        'invalid',
        rows.length,
      );
    }
    await db.run('BEGIN TRANSACTION');
    try {
      if (config.writeDisposition === 'WRITE_TRUNCATE') await db.run(`DELETE FROM "${ds}"."${id}"`);
      const appender = await db.createAppender(id, ds);
      const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
      for (let start = 0; start < rows.length; start += 2048) {
        const slice = rows.slice(start, start + 2048);
        const chunk = DuckDBDataChunk.create(types, slice.length);
        chunk.setRowsConverted(slice as never, JSToDuckDBValueConverter);
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      appender.closeSync();
      await db.run('COMMIT');
    } catch (error) {
      await db.run('ROLLBACK').catch(() => {});
      return failed([(error as Error).message], 'invalid', rows.length);
    }
    return { state: 'DONE' };
  }

  function failed(messages: string[], reason: string, rows = 0): Record<string, unknown> {
    const summary =
      reason === 'notFound'
        ? messages[0]!
        : `Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: ${rows}; errors: ${messages.length}. Please look into the errors[] collection for more details.`;
    return {
      state: 'DONE',
      errorResult: { reason, message: summary },
      errors: [{ reason, message: summary }, ...messages.map((message) => ({ reason, message }))],
    };
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    fake.requests++;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.headers.authorization !== `Bearer ${token}`) {
      return send(
        response,
        401,
        errorBody(401, 'Request is missing required authentication credential.', 'unauthorized'),
      );
    }
    const route = routes.find(([method, pattern]) => method === request.method && pattern.test(url.pathname));
    if (!route) return send(response, 404, errorBody(404, `Not found: URL ${url.pathname}`, 'notFound'));
    const match = route[1].exec(url.pathname)!;
    if (decodeURIComponent(match[1]!) !== project) {
      return send(response, 404, errorBody(404, `Not found: Project ${match[1]}`, 'notFound'));
    }
    // One request at a time against the one DuckDB connection: each is atomic, as BigQuery's jobs are.
    const work = chain.then(() => route[2](match, url, Buffer.concat(chunks), request));
    chain = work.catch(() => undefined);
    try {
      const result = await work;
      if (result === undefined) response.writeHead(204).end();
      else send(response, 200, result);
    } catch (error) {
      const refusal = error instanceof BadRequest ? error : new BadRequest(String(error), 'backendError', 500);
      send(response, refusal.status, errorBody(refusal.status, refusal.message, refusal.reason));
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, errorBody(500, String(error), 'backendError')),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake BigQuery server has no port');
  fake.endpoint = `http://127.0.0.1:${address.port}`;
  return fake;
}

interface QueryRequest {
  query: string;
  useLegacySql?: boolean;
  defaultDataset?: { projectId: string; datasetId: string };
  queryParameters?: QueryParameter[];
}

interface LoadConfig {
  destinationTable: { projectId: string; datasetId: string; tableId: string };
  sourceFormat?: string;
  writeDisposition?: string;
}

function errorBody(code: number, message: string, reason: string) {
  return {
    error: {
      code,
      message,
      errors: [{ message, domain: 'global', reason }],
      status: code === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT',
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify(body));
}
