import type { Command } from 'commander';
import { createProgress } from '../../core/progress.js';
import { openWarehouse } from '../../core/warehouse/index.js';
import { runBatchPrediction } from '../../jobs/index.js';
import { openRegistry } from '../../registry/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger } from '../flags.js';

interface PredictOptions {
  model: string;
  from: string;
  to: string;
  key?: string;
  batchSize: string;
  runId?: string;
  json?: boolean;
}

export function registerPredict(program: Command, context: CliContext): void {
  program
    .command('predict')
    .description('batch prediction: pull rows, predict with a registered model, push predictions with lineage')
    .requiredOption('--model <ref>', 'NAME@ENV, NAME:VERSION or NAME')
    .requiredOption('--from <source>', 'warehouse table, "SELECT …", or a .csv/.parquet file')
    .requiredOption('--to <table>', 'warehouse table for the predictions (rejected rows go to TABLE_rejected)')
    .option('--key <column>', 'input column identifying each row (default: its position)')
    .option('--batch-size <n>', 'rows per model call', '10000')
    .option('--run-id <id>', 're-use a run id to replace that run’s predictions')
    .option('--json', 'print one JSON document')
    .action(async (options: PredictOptions) => {
      const batchSize = positiveInteger('--batch-size', options.batchSize, '5000');
      const config = context.config();
      const opened = await openRegistry(config, context.io.env);
      try {
        const warehouse = await openWarehouse(config.warehouseUrl);
        try {
          let progress: ReturnType<typeof createProgress> | undefined;
          const result = await runBatchPrediction(
            { warehouse, metadata: opened.metadata, registry: opened.registry },
            {
              model: options.model,
              from: options.from,
              to: options.to,
              batchSize,
              cwd: context.io.cwd,
              ...(options.key ? { key: options.key } : {}),
              ...(options.runId ? { runId: options.runId } : {}),
              onProgress: (done, total) => {
                progress ??= createProgress({ label: 'predict', total, stream: context.io.stderr });
                progress.update(done);
              },
            },
          );
          progress?.done();
          context.print(options.json, result, () =>
            [
              `run ${result.run_id}: ${result.model}:${result.version}${result.environment ? `@${result.environment}` : ''}`,
              `${result.rows_in} rows in, ${result.rows_out} predictions to ${result.table}, ${result.rejected} rejected${
                result.rejected_table ? ` (see ${result.rejected_table})` : ''
              }`,
            ].join('\n'),
          );
        } finally {
          await warehouse.close();
        }
      } finally {
        await opened.close();
      }
    });
}
