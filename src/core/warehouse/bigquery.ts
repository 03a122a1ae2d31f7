/**
 * The warehouse on Google BigQuery (`bigquery://project/dataset`), over the BigQuery v2 REST API with
 * the global fetch (bigquery-rest.ts). Tables are tables of the dataset; a table's key is declared as
 * its (unenforced) primary key constraint, which this adapter reads back and enforces itself.
 *
 * Every write is atomic the BigQuery way: the rows are loaded (load jobs of newline-delimited JSON,
 * which check types and REQUIRED columns and land all rows or none) into a fresh staging table that
 * expires on its own, then one DML statement applies them — `INSERT … SELECT` for an append (after
 * checking no key is taken), `MERGE` for an upsert — and the staging table is dropped. Load jobs, not
 * streaming inserts: streamed rows cannot be updated by DML for a while, which would break upsert.
 * Queries run through jobs.query with named parameters (`$1` → `@p1`) and page through the results.
 */
import { randomBytes } from 'node:crypto';
import type { Table as ArrowTable } from 'apache-arrow';
import { FleetcastError } from '../errors.js';
import { BigQueryRest, type BigQueryWarehouseOptions, type TableInfo } from './bigquery-rest.js';
import { bigQueryType, ndjsonLine, toNamedParameters } from './bigquery-values.js';
import {
  assertIdentifier,
  dedupeByKey,
  isReadOnlySql,
  missingTableError,
  parseQueryTarget,
  type ResultSet,
  resolveColumns,
  resolveKey,
  rowsToArrow,
  validateTableSpec,
} from './sql.js';
import type { Row, TableSpec, Warehouse } from './types.js';

export { BIGQUERY_DEFAULT_ENDPOINT, type BigQueryWarehouseOptions } from './bigquery-rest.js';

const STAGE_PREFIX = '__fleetcast_stage_';
/** Bytes of newline-delimited JSON per load job; a bigger write is loaded in several jobs. */
const LOAD_CHUNK_BYTES = 8 * 1024 * 1024;
/** A staging table a crashed writer leaves behind expires after this long. */
const STAGE_TTL_MS = 3_600_000;

export class BigQueryWarehouse implements Warehouse {
  readonly kind = 'bigquery' as const;
  readonly project: string;
  readonly dataset: string;
  private readonly rest: BigQueryRest;
  private readonly tables = new Map<string, TableInfo>();

  constructor(options: BigQueryWarehouseOptions) {
    this.rest = new BigQueryRest(options);
    this.project = this.rest.project;
    this.dataset = this.rest.dataset;
  }

  async ensureTable(spec: TableSpec): Promise<void> {
    const key = validateTableSpec(spec);
    const fields = spec.columns.map((column) => ({
      name: column.name,
      type: bigQueryType(column.type),
      mode: column.nullable === false || key.includes(column.name) ? ('REQUIRED' as const) : ('NULLABLE' as const),
    }));
    this.tables.delete(spec.name);
    // An existing table is left as it is, like CREATE TABLE IF NOT EXISTS.
    await this.rest.createTable(
      spec.name,
      fields,
      key.length > 0 ? { tableConstraints: { primaryKey: { columns: key } } } : {},
    );
  }

  async hasTable(name: string): Promise<boolean> {
    assertIdentifier(name, 'table name');
    return (await this.rest.describe(name)) !== undefined;
  }

  async listTables(): Promise<string[]> {
    return (await this.rest.listTables()).filter((name) => !name.startsWith(STAGE_PREFIX)).sort();
  }

  async append(table: string, rows: Row[]): Promise<number> {
    assertIdentifier(table, 'table name');
    const info = await this.tableInfo(table);
    const columns = resolveColumns(table, info.columns, rows);
    if (rows.length === 0) return 0;
    if (info.key.length > 0 && dedupeByKey(rows, info.key).length !== rows.length) {
      throw duplicateKey(table, info.key, 'the rows repeat a key');
    }
    await this.throughStage(table, info, rows, async (stage) => {
      if (info.key.length > 0) {
        // BigQuery does not enforce primary keys; checked here (a concurrent append may still race).
        const on = info.key.map((name) => `t.\`${name}\` = s.\`${name}\``).join(' AND ');
        const taken = await this.rest.query(
          `SELECT COUNT(*) AS n FROM ${this.rest.ref(table)} AS t JOIN ${this.rest.ref(stage)} AS s ON ${on}`,
          [],
        );
        const n = Number(taken.rows[0]?.n ?? 0);
        if (n > 0) throw duplicateKey(table, info.key, `${n} of the keys exist already`);
      }
      const list = columns.map((name) => `\`${name}\``).join(', ');
      await this.rest.query(
        `INSERT INTO ${this.rest.ref(table)} (${list}) SELECT ${list} FROM ${this.rest.ref(stage)}`,
        [],
      );
    });
    return rows.length;
  }

  async upsert(table: string, rows: Row[], key?: string[]): Promise<number> {
    assertIdentifier(table, 'table name');
    const info = await this.tableInfo(table);
    const conflictKey = resolveKey(table, info.columns, info.key, key);
    const columns = resolveColumns(table, info.columns, rows);
    const unique = dedupeByKey(rows, conflictKey);
    if (unique.length === 0) return 0;
    await this.throughStage(table, info, unique, async (stage) => {
      const q = (name: string) => `\`${name}\``;
      const on = conflictKey.map((name) => `T.${q(name)} = S.${q(name)}`).join(' AND ');
      const updates = columns.filter((name) => !conflictKey.includes(name));
      const matched =
        updates.length > 0
          ? ` WHEN MATCHED THEN UPDATE SET ${updates.map((name) => `${q(name)} = S.${q(name)}`).join(', ')}`
          : '';
      await this.rest.query(
        `MERGE INTO ${this.rest.ref(table)} AS T USING ${this.rest.ref(stage)} AS S ON ${on}${matched}` +
          ` WHEN NOT MATCHED THEN INSERT (${columns.map(q).join(', ')}) VALUES (${columns.map((name) => `S.${q(name)}`).join(', ')})`,
        [],
      );
    });
    return unique.length;
  }

  async query(tableOrSql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.run(tableOrSql, params)).rows;
  }

  async queryArrow(tableOrSql: string, params: unknown[] = []): Promise<ArrowTable> {
    return rowsToArrow(await this.run(tableOrSql, params));
  }

  async ping(): Promise<void> {
    await this.rest.call(this.rest.datasetPath);
  }

  async close(): Promise<void> {
    this.rest.close();
  }

  private async run(tableOrSql: string, params: unknown[]): Promise<ResultSet> {
    const target = parseQueryTarget(tableOrSql, params);
    if (target.kind === 'table') {
      if (!(await this.hasTable(target.table))) throw missingTableError(target.table);
      return this.rest.query(`SELECT * FROM ${this.rest.ref(target.table)}`, []);
    }
    if (!isReadOnlySql(target.sql)) this.tables.clear();
    return this.rest.query(toNamedParameters(target.sql), params);
  }

  /** Loads `rows` into a fresh staging table shaped like `table`, runs `apply`, drops the stage. */
  private async throughStage(
    table: string,
    info: TableInfo,
    rows: Row[],
    apply: (stage: string) => Promise<void>,
  ): Promise<void> {
    const stage = `${STAGE_PREFIX}${table}_${randomBytes(6).toString('hex')}`;
    await this.rest.createTable(stage, info.fields, { expirationTime: String(Date.now() + STAGE_TTL_MS) });
    try {
      for (const chunk of ndjsonChunks(rows, info.columns)) await this.rest.load(stage, chunk);
      await apply(stage);
    } finally {
      await this.rest.deleteTable(stage).catch(() => {});
    }
  }

  private async tableInfo(table: string): Promise<TableInfo> {
    const cached = this.tables.get(table);
    if (cached) return cached;
    const info = await this.rest.describe(table);
    if (!info) throw missingTableError(table);
    this.tables.set(table, info);
    return info;
  }
}

function duplicateKey(table: string, key: string[], why: string): FleetcastError {
  return new FleetcastError(
    'FLEETCAST_BACKEND_ERROR',
    `BigQuery: duplicate key (${key.join(', ')}) in "${table}": ${why}`,
    {
      hint: 'append rows with new keys, or upsert to replace existing ones',
      details: { table, key },
    },
  );
}

/** Rows as newline-delimited JSON, in chunks of at most LOAD_CHUNK_BYTES. */
function* ndjsonChunks(rows: readonly Row[], columns: readonly string[]): Generator<Buffer> {
  let lines: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    const line = ndjsonLine(row, columns);
    if (bytes + line.length > LOAD_CHUNK_BYTES && lines.length > 0) {
      yield Buffer.from(`${lines.join('\n')}\n`);
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += line.length + 1;
  }
  if (lines.length > 0) yield Buffer.from(`${lines.join('\n')}\n`);
}
