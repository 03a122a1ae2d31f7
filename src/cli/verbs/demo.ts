import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { dashboardFor } from '../../dashboard/index.js';
import { FORECAST_MODEL, PERFORMANCE_MODEL, runDemo, type StepReport } from '../../demo/index.js';
import { handleSignals, startServe } from '../../serve/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger } from '../flags.js';

interface DemoFlags {
  fresh?: boolean;
  serve: boolean;
  json?: boolean;
  port?: string;
  fleet: string;
  days: string;
  seed: string;
}

const mark: Record<StepReport['status'], string> = { done: '✓', reused: '↺', failed: '✗', skipped: '·' };

/**
 * `fleetcast demo` — what `npm start` runs: the whole loop on embedded defaults, then the service
 * and dashboard. Thin: the loop is src/demo's; this prints each step and the address.
 */
export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('run the whole loop on synthetic data, then serve the models and the dashboard')
    .option('--fresh', 'forget what earlier runs made and start over')
    .option('--no-serve', 'stop after the loop instead of serving')
    .option('--json', 'print one JSON document with each step’s status and timing (implies --no-serve)')
    .option('--port <n>', 'port for the service and dashboard (default: serve.port, 8080)')
    .option('--fleet <n>', 'resources to simulate', '50')
    .option('--days <n>', 'days to simulate', '14')
    .option('--seed <n>', 'seed of the simulated fleet', '42')
    .action(async (flags: DemoFlags) => {
      const fleet = positiveInteger('--fleet', flags.fleet, '50');
      const days = positiveInteger('--days', flags.days, '14');
      const seed = positiveInteger('--seed', flags.seed, '42');
      // Three one-day folds after two days of training: the backtest's minimum.
      if (days < 5) {
        throw new FleetcastError('FLEETCAST_USAGE', `--days ${days} is too short to backtest a daily season`, {
          hint: 'use --days 5 or more (default 14)',
        });
      }
      const stderr = context.io.stderr;
      const result = await runDemo({
        config: context.config(),
        env: context.io.env,
        fresh: flags.fresh ?? false,
        fleet,
        days,
        seed,
        progress: stderr,
        onStep: (event) => {
          const counter = `[${event.index + 1}/${event.total}]`;
          if (event.phase === 'start') stderr.write(`${counter} ${event.title} …\n`);
          else if (event.report) {
            const r = event.report;
            stderr.write(
              `${counter} ${mark[r.status]} ${r.title} (${r.status}, ${r.seconds.toFixed(1)} s)${r.error ? `: ${r.error}` : ''}\n`,
            );
          }
        },
      });
      context.print(flags.json, result, () =>
        [
          `demo ${result.ok ? 'completed' : 'FAILED'} in ${result.seconds.toFixed(1)} s (home ${result.home})`,
          ...result.steps.map(
            (s) =>
              `  ${mark[s.status]} ${s.title}: ${s.status}, ${s.seconds.toFixed(1)} s${s.error ? ` — ${s.error}` : ''}`,
          ),
        ].join('\n'),
      );
      if (!result.ok) {
        context.exitCode = 1;
        return;
      }
      if (flags.json || !flags.serve) return;
      const config = context.config();
      const running = await startServe({
        config,
        logger: context.logger(),
        models: ['sentiment@prod', `${FORECAST_MODEL}@prod`, `${PERFORMANCE_MODEL}@prod`],
        defaultModel: 'sentiment',
        extraRoutes: dashboardFor(config),
        ...(flags.port === undefined ? {} : { port: positiveInteger('--port', flags.port, '8080') }),
      });
      const url = running.url;
      const resource = String(result.steps.find((s) => s.id === 'calibrate')?.detail.resource ?? 'web-000001');
      context.io.stdout.write(
        [
          '',
          `Dashboard and API: ${url}/   (API docs: ${url}/docs, metrics: ${url}/metrics)`,
          'Try:',
          `  curl -s ${url}/api/v1/predict -H 'content-type: application/json' -d '{"text":"Fleetcast makes capacity planning easy"}'`,
          `  curl -s ${url}/api/v1/models/${PERFORMANCE_MODEL}/predict -H 'content-type: application/json' -d '{"input":{"service":"frontend","users":40}}'`,
          `  curl -s ${url}/api/v1/models/${FORECAST_MODEL}/predict -H 'content-type: application/json' -d '{"input":{"resource_id":"${resource}"}}'`,
          'Ctrl-C stops the service.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve, reject) => {
        const remove = handleSignals(running, (error) => {
          remove();
          if (error) reject(error);
          else resolve();
        });
      });
    });
}
