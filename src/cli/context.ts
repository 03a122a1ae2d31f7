import { loadConfig } from '../core/config/load.js';
import type { ConfigInput, FleetcastConfig } from '../core/config/schema.js';
import { createLogger, type Logger, newRunId } from '../core/logging.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether a person can answer a prompt (stdin is a terminal). */
  interactive: boolean;
  /** Asks a question on the terminal and returns the answer line (interactive sessions only). */
  prompt?: (question: string) => Promise<string>;
}

/** Options every verb accepts (they sit on the root command). */
export interface GlobalOptions {
  config?: string;
  profile?: string;
  home?: string;
  databaseUrl?: string;
  warehouseUrl?: string;
  artifactsUrl?: string;
  redisUrl?: string;
  logLevel?: string;
  verbose?: boolean;
}

/** What a verb gets: IO, and the configuration and logger built lazily from the global options. */
export class CliContext {
  readonly runId = newRunId();
  private cachedConfig: FleetcastConfig | undefined;
  private cachedLogger: Logger | undefined;
  globals: GlobalOptions = {};
  /** Set by a verb that finished its work but must report failure (e.g. doctor with a backend down). */
  exitCode = 0;

  constructor(readonly io: CliIo) {}

  config(): FleetcastConfig {
    if (!this.cachedConfig) {
      this.cachedConfig = loadConfig({
        cwd: this.io.cwd,
        env: this.io.env,
        ...(this.globals.config ? { configFile: this.globals.config } : {}),
        flags: flagsToInput(this.globals),
        onWarning: (message) => this.io.stderr.write(`fleetcast: warning: ${message}\n`),
      });
    }
    return this.cachedConfig;
  }

  logger(): Logger {
    if (!this.cachedLogger) {
      const config = this.config();
      this.cachedLogger = createLogger({
        level: this.globals.verbose ? 'debug' : config.logLevel,
        format: config.logFormat,
        profile: config.profile,
        stream: this.io.stderr,
        runId: this.runId,
      });
    }
    return this.cachedLogger;
  }

  /** Prints a verb's result: one JSON document with --json, else the human text. */
  print(json: boolean | undefined, data: unknown, human: () => string): void {
    if (json) this.io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else this.io.stdout.write(`${human()}\n`);
  }
}

function flagsToInput(globals: GlobalOptions): ConfigInput {
  const input: Record<string, unknown> = {};
  if (globals.profile !== undefined) input.profile = globals.profile;
  if (globals.home !== undefined) input.home = globals.home;
  if (globals.databaseUrl !== undefined) input.database_url = globals.databaseUrl;
  if (globals.warehouseUrl !== undefined) input.warehouse_url = globals.warehouseUrl;
  if (globals.artifactsUrl !== undefined) input.artifacts_url = globals.artifactsUrl;
  if (globals.redisUrl !== undefined) input.redis_url = globals.redisUrl;
  if (globals.logLevel !== undefined) input.log_level = globals.logLevel;
  // Validated by the config loader, which names the flag in its error.
  return input as ConfigInput;
}
