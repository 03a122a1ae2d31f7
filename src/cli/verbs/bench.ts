import type { Command } from 'commander';
import { type BenchResult, formatResult, machineInfo, runBenchmark } from '../../core/bench/harness.js';
import { storeBenchmarks } from '../../core/bench/store-benchmarks.js';
import { FleetcastError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { jobBenchmarks } from '../../jobs/index.js';
import { forecastBenchmarks, textBenchmarks } from '../../models/index.js';
import { registryBenchmarks } from '../../registry/index.js';
import { serveBenchmarks } from '../../serve/index.js';
import { simulateBenchmarks } from '../../simulate/index.js';
import { tuneBenchmarks } from '../../tune/index.js';
import type { CliContext } from '../context.js';
import { positiveInteger, positiveNumber } from '../flags.js';

interface BenchOptions {
  json?: boolean;
  repetitions: string;
  scale: string;
  postgresUrl?: string;
  redisUrl?: string;
  list?: boolean;
}

export function registerBench(program: Command, context: CliContext): void {
  program
    .command('bench')
    .description('run named benchmarks; each prints its rate against a reference measured in the same run')
    .argument('[names...]', 'benchmarks to run (default: all)')
    .option('--json', 'print one JSON document')
    .option('-r, --repetitions <n>', 'measured repetitions per side (≥ 5; median reported)', '5')
    .option('--scale <x>', 'work per repetition relative to the default size', '1')
    .option('--postgres-url <url>', 'PostgreSQL for the scaled side (a scratch database is created and dropped)')
    .option('--redis-url <url>', 'Redis for the BullMQ side (a scratch queue is used and removed)')
    .option('--list', 'list the benchmarks and exit')
    .action(async (names: string[], options: BenchOptions) => {
      const repetitions = positiveInteger('--repetitions', options.repetitions, '5');
      if (repetitions < 5) {
        throw new FleetcastError('FLEETCAST_USAGE', `--repetitions ${repetitions} is below 5`, {
          hint: 'a median needs at least 5 repetitions',
        });
      }
      const scale = positiveNumber('--scale', options.scale);
      const env = context.io.env;
      const config = context.config();
      const postgresUrl =
        options.postgresUrl ??
        env.FLEETCAST_BENCH_POSTGRES_URL ??
        env.FLEETCAST_TEST_POSTGRES_URL ??
        (config.databaseUrl.startsWith('postgres')
          ? config.databaseUrl
          : 'postgres://postgres@127.0.0.1:5432/postgres');
      const redisUrl =
        options.redisUrl ??
        env.FLEETCAST_BENCH_REDIS_URL ??
        env.FLEETCAST_TEST_REDIS_URL ??
        config.redisUrl ??
        'redis://127.0.0.1:6379';
      const benchmarks = [
        ...storeBenchmarks({
          postgresUrl:
            options.postgresUrl ??
            env.FLEETCAST_BENCH_POSTGRES_URL ??
            env.FLEETCAST_TEST_POSTGRES_URL ??
            (config.databaseUrl.startsWith('postgres')
              ? config.databaseUrl
              : 'postgres://postgres@127.0.0.1:5432/postgres'),
          redisUrl,
          scale,
        }),
        ...registryBenchmarks({ postgresUrl, scale }),
        ...forecastBenchmarks(scale),
        ...textBenchmarks(scale),
        ...jobBenchmarks(scale),
        ...simulateBenchmarks(scale),
        ...tuneBenchmarks({ postgresUrl, redisUrl, scale }),
        ...serveBenchmarks({ scale }),
      ];
      if (options.list) {
        context.print(
          options.json,
          benchmarks.map((b) => ({ name: b.name, description: b.description })),
          () => benchmarks.map((b) => `${b.name.padEnd(18)} ${b.description}`).join('\n'),
        );
        return;
      }
      const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
      if (unknown.length > 0) {
        throw new FleetcastError('FLEETCAST_USAGE', `unknown benchmark ${unknown.join(', ')}`, {
          hint: `choose from ${benchmarks.map((b) => b.name).join(', ')}`,
        });
      }
      const chosen = names.length > 0 ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
      const machine = machineInfo();
      const progress = createProgress({
        label: 'bench',
        total: chosen.length * repetitions,
        stream: context.io.stderr,
      });
      const results: BenchResult[] = [];
      for (const bench of chosen) {
        const result: BenchResult & { details?: Record<string, unknown> } = await runBenchmark(
          bench,
          repetitions,
          progress,
        );
        // Some benchmarks (serve-*) also measure latencies and check a target: kept beside the rates.
        if ('details' in bench && typeof bench.details === 'function') result.details = bench.details();
        results.push(result);
      }
      progress.done();
      context.print(options.json, { machine, results }, () =>
        [
          `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`,
          ...results.map((r: BenchResult & { details?: Record<string, unknown> }) =>
            r.details ? `${formatResult(r)}\n${' '.repeat(19)}${JSON.stringify(r.details)}` : formatResult(r),
          ),
        ].join('\n'),
      );
      if (results.some((r) => r.reference.error || r.subject.error)) context.exitCode = 1;
    });
}
