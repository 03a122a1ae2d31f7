import { createInterface } from 'node:readline/promises';
import { Command, CommanderError, Option } from 'commander';
import { PROFILES } from '../core/config/schema.js';
import { FleetcastError, isFleetcastError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { CliContext, type CliIo } from './context.js';
import { registerBacktest } from './verbs/backtest.js';
import { registerBench } from './verbs/bench.js';
import { registerCalibrate } from './verbs/calibrate.js';
import { registerCollect } from './verbs/collect.js';
import { registerDemo } from './verbs/demo.js';
import { registerDoctor } from './verbs/doctor.js';
import { registerImport } from './verbs/import.js';
import { registerKeys } from './verbs/keys.js';
import { registerModels } from './verbs/models.js';
import { registerPredict } from './verbs/predict.js';
import { registerRuntime } from './verbs/runtime.js';
import { registerSchedule } from './verbs/schedule.js';
import { registerServe } from './verbs/serve.js';
import { registerSimulate } from './verbs/simulate.js';
import { registerTrain } from './verbs/train.js';
import { registerTune } from './verbs/tune.js';
import { registerWorker } from './verbs/worker.js';

export function buildProgram(context: CliContext): Command {
  const program = new Command('fleetcast')
    .description('Cloud and Kubernetes metrics to deployed predictions.')
    .version(VERSION, '-V, --version')
    .option('--config <file>', 'configuration file (default: ./fleetcast.yaml if present)')
    .addOption(new Option('--profile <name>', 'configuration profile').choices(PROFILES))
    .option('--home <dir>', 'home folder for embedded stores (FLEETCAST_HOME)')
    .option('--database-url <url>', 'metadata store: sqlite:PATH or postgres://… (FLEETCAST_DATABASE_URL)')
    .option('--warehouse-url <url>', 'warehouse: duckdb:PATH or postgres://… (FLEETCAST_WAREHOUSE_URL)')
    .option('--artifacts-url <url>', 'artifacts: file:///PATH or s3://bucket/prefix (FLEETCAST_ARTIFACTS_URL)')
    .option('--redis-url <url>', 'Redis for BullMQ workers and the shared cache (FLEETCAST_REDIS_URL)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent')
    .option('-v, --verbose', 'debug logs, and stack traces on errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
      // Commander's own errors are printed by runCli in the one error format.
      outputError: () => {},
    });
  program.hook('preAction', (_root, action) => {
    context.globals = action.optsWithGlobals();
  });
  registerDoctor(program, context);
  registerBench(program, context);
  registerWorker(program, context);
  registerModels(program, context);
  registerPredict(program, context);
  registerSchedule(program, context);
  registerTune(program, context);
  registerCalibrate(program, context);
  registerRuntime(program, context);
  registerTrain(program, context);
  registerSimulate(program, context);
  registerBacktest(program, context);
  registerImport(program, context);
  registerCollect(program, context);
  registerServe(program, context);
  registerKeys(program, context);
  registerDemo(program, context);
  return program;
}

const defaultIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stdin.isTTY),
  prompt: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
});

/** Runs the CLI and returns its exit code; never calls process.exit, so tests can run it in-process. */
export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const context = new CliContext(io);
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    return reportError(error, context, argv.includes('--verbose') || argv.includes('-v'));
  }
}

function reportError(error: unknown, context: CliContext, verbose: boolean): number {
  const err = context.io.stderr;
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    if (error.exitCode === 0) return 0;
    const message = error.message.replace(/^error: /, '');
    err.write(`fleetcast: ${message}\n  hint: see \`fleetcast --help\`\n`);
    return 2;
  }
  if (isFleetcastError(error)) {
    err.write(`fleetcast: ${error.message}\n`);
    if (error.hint) err.write(`  hint: ${error.hint}\n`);
    if (verbose && error.stack) err.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const unexpected = new FleetcastError('FLEETCAST_BACKEND_ERROR', (error as Error)?.message ?? String(error));
  err.write(`fleetcast: unexpected error: ${unexpected.message}\n`);
  err.write(verbose ? `${(error as Error)?.stack ?? ''}\n` : '  hint: run again with --verbose for the stack trace\n');
  return 1;
}
