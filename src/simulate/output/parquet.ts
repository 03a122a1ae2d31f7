/**
 * Parquet output through DuckDB: rows stream to a temporary CSV (bounded memory), then one
 * `COPY … TO … (FORMAT parquet)` converts it with the exact column types, into a temporary name
 * that is renamed to the target only when DuckDB has finished. Nothing complete-looking exists
 * before the end; both temporaries are removed on success and on failure.
 */
import { rename, rm } from 'node:fs/promises';
import { openWarehouse } from '../../core/index.js';
import type { ResourceSummary } from '../fleet/resource.js';
import type { MetricBatch, TimeGrid } from '../generator/types.js';
import { OUTPUT_COLUMNS } from './columns.js';
import { CsvFileWriter, formatBatch, partialPath, TimestampText } from './csv.js';
import type { Sink } from './types.js';

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Converts a CSV in the output schema to Parquet at `parquetPath`. */
export async function csvToParquet(csvPath: string, parquetPath: string): Promise<void> {
  const columns = OUTPUT_COLUMNS.map((c) => `${sqlString(c.name)}: ${sqlString(c.duckdb)}`).join(', ');
  const warehouse = await openWarehouse('duckdb::memory:');
  try {
    await warehouse.query(
      `COPY (SELECT * FROM read_csv(${sqlString(csvPath)}, header = true, auto_detect = false, columns = {${columns}}))
       TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    await warehouse.close();
  }
}

export class ParquetSink implements Sink {
  private readonly csvTemp: string;
  private readonly parquetTemp: string;
  private readonly writer: CsvFileWriter;
  private readonly times: TimestampText;

  constructor(
    private readonly target: string,
    grid?: TimeGrid,
  ) {
    this.csvTemp = partialPath(target, '.csv');
    this.parquetTemp = partialPath(target);
    this.writer = new CsvFileWriter(this.csvTemp);
    this.times = new TimestampText(grid);
  }

  write(batch: MetricBatch, resource: ResourceSummary): Promise<void> {
    return this.writer.write(formatBatch(batch, resource, this.times));
  }

  async finish(): Promise<void> {
    await this.writer.close();
    try {
      await csvToParquet(this.csvTemp, this.parquetTemp);
      await rename(this.parquetTemp, this.target);
    } finally {
      await rm(this.csvTemp, { force: true });
      await rm(this.parquetTemp, { force: true });
    }
  }

  async abort(): Promise<void> {
    this.writer.destroy();
    await rm(this.csvTemp, { force: true });
    await rm(this.parquetTemp, { force: true });
  }
}
