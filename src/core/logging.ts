import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { FleetcastConfig } from './config/schema.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: FleetcastConfig['logLevel'];
  format: FleetcastConfig['logFormat'];
  profile: FleetcastConfig['profile'];
  /** Defaults to stderr: stdout belongs to command output (one JSON document with --json). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Ties every line of one run together; generated when absent. */
  runId?: string;
}

/** Paths pino blanks out wherever they appear in a log object. */
const REDACT = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'apiKeys',
  '*.apiKeys',
  'api_keys',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'secretAccessKey',
  '*.secretAccessKey',
];

/**
 * JSON lines in production and whenever stderr is not a terminal (machines read those); pretty,
 * coloured lines on a terminal. Every line carries `runId`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const runId = options.runId ?? newRunId();
  const wantsPretty =
    options.format === 'pretty' ||
    (options.format === 'auto' && options.profile !== 'production' && Boolean(stream.isTTY));
  const destination = wantsPretty
    ? pretty({ destination: stream, sync: true, colorize: Boolean(stream.isTTY), ignore: 'pid,hostname' })
    : stream;
  return pino(
    {
      level: options.level,
      base: { runId },
      redact: { paths: REDACT, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

let lastMs = 0;
let sequence = 0;

/**
 * Unique and, within one process, strictly increasing in string order (time, then a counter for
 * ids made in the same millisecond), so "newest first" needs no extra column.
 */
export function newRunId(): string {
  const now = Date.now();
  sequence = now === lastMs ? sequence + 1 : 0;
  lastMs = now;
  return `${now.toString(36).padStart(9, '0')}-${sequence.toString(36).padStart(4, '0')}-${randomUUID().slice(0, 8)}`;
}
