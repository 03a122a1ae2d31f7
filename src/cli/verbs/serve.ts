import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import { dashboardFor } from '../../dashboard/index.js';
import { handleSignals, startServe } from '../../serve/index.js';
import type { CliContext } from '../context.js';

interface ServeOptions {
  port?: string;
  host?: string;
  models?: string;
  defaultModel?: string;
  json?: boolean;
}

/** A stop that has not finished by then ends the process anyway: Kubernetes kills at 30 s, we promise 10. */
const HARD_STOP_MS = 10_000;

/**
 * `fleetcast serve`: the HTTP inference service over registered models. Runs until SIGTERM or
 * SIGINT (graceful: drains requests in flight); SIGHUP re-reads the keys file and the aliases.
 */
export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('serve registered models over HTTP (API v1, Open Inference Protocol v2, jobs, metrics)')
    .option('--port <n>', 'TCP port, 0 for any free one (serve.port, FLEETCAST_SERVE_PORT; default 8080)')
    .option('--host <address>', 'address to listen on (serve.host, FLEETCAST_SERVE_HOST; default 127.0.0.1)')
    .option('--models <refs>', 'comma-separated references, e.g. churn@prod,cost:3 (default: sentiment@prod)')
    .option('--default-model <name>', 'the model of POST /api/v1/predict (default: the first of --models)')
    .option('--json', 'print the listening address as one JSON document')
    .action(async (options: ServeOptions) => {
      const config = context.config();
      const port = options.port === undefined ? undefined : parsePort(options.port);
      const models = options.models
        ?.split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      if (options.models !== undefined && models?.length === 0) {
        throw new FleetcastError('FLEETCAST_USAGE', '--models names no model', { hint: 'e.g. --models churn@prod' });
      }
      const running = await startServe({
        config,
        logger: context.logger(),
        extraRoutes: dashboardFor(config),
        ...(models ? { models } : {}),
        ...(options.defaultModel ? { defaultModel: options.defaultModel } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(options.host ? { host: options.host } : {}),
      });
      const served = running.serve.pool.names();
      context.print(
        options.json,
        { url: running.url, models: served },
        () => `serving ${served.join(', ')} on ${running.url}`,
      );
      // A stop that hangs (a backend that never answers) still ends the process within 10 s.
      const hardStop = () => setTimeout(() => process.exit(1), HARD_STOP_MS).unref();
      process.once('SIGTERM', hardStop);
      process.once('SIGINT', hardStop);
      try {
        await new Promise<void>((resolve, reject) => {
          const remove = handleSignals(running, (error) => {
            remove();
            if (error) reject(error);
            else resolve();
          });
        });
      } finally {
        process.off('SIGTERM', hardStop);
        process.off('SIGINT', hardStop);
      }
      // Stopped cleanly: a client library's idle socket must not keep the process alive.
      setTimeout(() => process.exit(context.exitCode), 1000).unref();
    });
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new FleetcastError('FLEETCAST_USAGE', `--port "${raw}" is not a TCP port`, {
      hint: 'e.g. --port 8080 (0: any free port)',
    });
  }
  return port;
}
