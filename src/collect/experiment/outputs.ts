/**
 * Where measured levels go: a CSV in the kpp layout (what `fleetcast train --task performance`
 * reads) and/or a warehouse table. Each level is one batch, written in one step — the CSV through a
 * copy renamed over the original, the warehouse in one transaction — so a crash never leaves a
 * partial level that a resumed run would take for complete.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FleetcastError } from '../../core/errors.js';
import type { Row, TableSpec, Warehouse } from '../../core/warehouse/index.js';
import { parseLoadStepCsv, splitCsvLine } from '../../models/index.js';
import { type Measurement, QUANTITY_COLUMNS, type Quantity } from '../queries/types.js';
import type { WrittenRow } from './levels.js';

/** One service at one poll. */
export interface CollectedRow {
  /** Unix seconds of the poll (the same for every service of a poll). */
  timestamp: number;
  service: string;
  users: number;
  values: Measurement;
}

export interface OutputSink {
  /** Where it writes, for messages and the report. */
  readonly target: string;
  /** Rows an earlier run wrote (empty when the output is new). */
  existing(): Promise<WrittenRow[]>;
  /** Writes one level's rows, all or nothing. */
  writeLevel(rows: CollectedRow[]): Promise<void>;
}

/** CSV columns for a set of quantities, kpp order first. */
export function csvHeader(quantities: readonly Quantity[]): string[] {
  return [
    'Timestamp',
    'Service',
    'User Count',
    ...QUANTITY_COLUMNS.filter(([q]) => quantities.includes(q)).map(([, column]) => column),
  ];
}

/** Numbers as the kpp files hold them: shortest exact decimal, `nan` for a poll without requests. */
function cell(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return 'nan';
  return String(value);
}

function csvText(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatCsvRows(rows: readonly CollectedRow[], quantities: readonly Quantity[]): string {
  const columns = QUANTITY_COLUMNS.filter(([q]) => quantities.includes(q)).map(([q]) => q);
  return rows
    .map((r) =>
      [r.timestamp.toFixed(3), csvText(r.service), String(r.users), ...columns.map((q) => cell(r.values[q]))].join(','),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export class CsvSink implements OutputSink {
  private readonly header: string[];

  constructor(
    readonly target: string,
    private readonly quantities: readonly Quantity[],
  ) {
    this.header = csvHeader(quantities);
  }

  async existing(): Promise<WrittenRow[]> {
    if (!existsSync(this.target)) return [];
    const text = readFileSync(this.target, 'utf8');
    const header = splitCsvLine(text.split(/\r?\n/, 1)[0] ?? '').map((c) => c.trim());
    if (header.join(',') !== this.header.join(',')) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${this.target} exists with other columns than this experiment writes`,
        {
          hint: 'resume with the same query set, or write to a new output.csv',
          details: { found: header, expected: this.header },
        },
      );
    }
    if (text.trim().split(/\r?\n/).length < 2) return [];
    return parseLoadStepCsv(text, this.target).map((r) => ({
      service: r.service,
      users: r.users,
      ...(r.replicas === undefined || Number.isNaN(r.replicas) ? {} : { replicas: r.replicas }),
    }));
  }

  async writeLevel(rows: CollectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    mkdirSync(dirname(this.target), { recursive: true });
    const batch = formatCsvRows(rows, this.quantities);
    const next = `${this.target}.partial`;
    if (existsSync(this.target)) {
      copyFileSync(this.target, next);
      writeFileSync(next, batch, { flag: 'a' });
    } else {
      writeFileSync(next, `${this.header.join(',')}\n${batch}`);
    }
    renameSync(next, this.target);
  }
}

/** Warehouse columns, one per quantity, named with their units. */
const WAREHOUSE_COLUMNS: Record<Quantity, string> = {
  response_time: 'response_time_s',
  response_time_p95: 'response_time_p95_s',
  throughput: 'throughput_rps',
  cpu: 'cpu_cores',
  replicas: 'replicas',
  cpu_request: 'cpu_request_cores',
};

export function loadStepTableSpec(name: string): TableSpec {
  return {
    name,
    columns: [
      { name: 'experiment', type: 'text', nullable: false },
      { name: 'ts', type: 'timestamp', nullable: false },
      { name: 'service', type: 'text', nullable: false },
      { name: 'users', type: 'integer', nullable: false },
      ...Object.values(WAREHOUSE_COLUMNS).map((column) => ({ name: column, type: 'double' as const })),
    ],
    key: ['experiment', 'ts', 'service'],
  };
}

export class WarehouseSink implements OutputSink {
  readonly target: string;
  private ready = false;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly table: string,
    private readonly experiment: string,
  ) {
    this.target = `${warehouse.kind}:${table}`;
  }

  private async ensure(): Promise<void> {
    if (this.ready) return;
    await this.warehouse.ensureTable(loadStepTableSpec(this.table));
    this.ready = true;
  }

  async existing(): Promise<WrittenRow[]> {
    if (!(await this.warehouse.hasTable(this.table))) return [];
    const rows = await this.warehouse.query(
      `SELECT service, users, replicas FROM "${this.table}" WHERE experiment = $1`,
      [this.experiment],
    );
    return rows.map((r) => ({
      service: String(r.service),
      users: Number(r.users),
      ...(r.replicas === null || r.replicas === undefined ? {} : { replicas: Number(r.replicas) }),
    }));
  }

  async writeLevel(rows: CollectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ensure();
    const records: Row[] = rows.map((r) => {
      const record: Row = {
        experiment: this.experiment,
        ts: new Date(Math.round(r.timestamp * 1000)),
        service: r.service,
        users: r.users,
      };
      for (const [quantity, column] of Object.entries(WAREHOUSE_COLUMNS)) {
        const value = r.values[quantity as Quantity];
        record[column] = value === undefined || !Number.isFinite(value) ? null : value;
      }
      return record;
    });
    await this.warehouse.upsert(this.table, records);
  }
}
