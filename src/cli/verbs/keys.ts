import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import {
  type ApiKeyRecord,
  createApiKey,
  listApiKeys,
  type MetadataStore,
  openMetadataStore,
  revokeApiKey,
} from '../../core/metadata/index.js';
import type { CliContext } from '../context.js';

const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const MAX_EXPIRY_MS = 3650 * UNITS.d;

/**
 * `fleetcast keys`: the API keys of `fleetcast serve` kept in the metadata store, so every replica
 * sees a created or revoked key within its reload interval, without a restart.
 */
export function registerKeys(program: Command, context: CliContext): void {
  const keys = program
    .command('keys')
    .description('API keys of fleetcast serve, kept in the metadata store (every replica sees them)');
  const withStore = async <T>(work: (store: MetadataStore) => Promise<T>): Promise<T> => {
    const store = await openMetadataStore(context.config().databaseUrl);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };

  keys
    .command('create')
    .description('create a key and print it once (only its sha256 is stored)')
    .argument('<name>', 'who or what holds the key, e.g. ci-deploy')
    .option('--expires-in <duration>', 'refused after this long: 30m, 12h, 90d, 4w (default: never)')
    .option('--json', 'print one JSON document {id, name, key, created_at, expires_at}')
    .action(async (name: string, options: { expiresIn?: string; json?: boolean }) => {
      const now = new Date();
      const expiresAt =
        options.expiresIn === undefined ? undefined : new Date(now.getTime() + parseExpiresIn(options.expiresIn));
      const { record, key } = await withStore((store) =>
        createApiKey(store, {
          name,
          createdBy: context.io.env.USER ?? 'unknown',
          now,
          ...(expiresAt ? { expiresAt } : {}),
        }),
      );
      if (!options.json) {
        // The key alone on stdout (KEY=$(fleetcast keys create ci) works); the notice on stderr.
        context.io.stderr.write(
          `created API key ${record.id} (${record.name}), ${record.expires_at ? `expires ${shortTime(record.expires_at)}` : 'never expires'}\n` +
            'this is the only time the key is shown: store it now\n',
        );
      }
      context.print(
        options.json,
        { id: record.id, name: record.name, key, created_at: record.created_at, expires_at: record.expires_at },
        () => key,
      );
    });

  keys
    .command('list')
    .description('list the keys (id, name, status, dates; never the key)')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      const records = await withStore((store) => listApiKeys(store));
      context.print(options.json, records, () => formatTable(records));
    });

  keys
    .command('revoke')
    .description('revoke a key by id; every replica refuses it within its reload interval')
    .argument('<id>', 'the key id (key_…), as keys list shows it')
    .option('--json', 'print one JSON document')
    .action(async (id: string, options: { json?: boolean }) => {
      const { record, revokedNow } = await withStore((store) => revokeApiKey(store, id));
      context.print(options.json, { ...record, revoked_now: revokedNow }, () =>
        revokedNow
          ? `revoked API key ${record.id} (${record.name})`
          : `API key ${record.id} (${record.name}) was already revoked at ${shortTime(record.revoked_at!)}`,
      );
    });
}

/** `--expires-in`: a whole number and a unit (s, m, h, d, w), up to ten years. */
export function parseExpiresIn(raw: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(raw.trim());
  if (!match) {
    throw new FleetcastError('FLEETCAST_USAGE', `--expires-in "${raw}" is not a duration`, {
      hint: 'write a whole number and a unit: 30m, 12h, 90d or 4w (units s, m, h, d, w)',
    });
  }
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
  if (ms <= 0) {
    throw new FleetcastError('FLEETCAST_USAGE', `--expires-in "${raw}" must be longer than zero`, {
      hint: 'leave --expires-in out for a key that never expires',
    });
  }
  if (ms > MAX_EXPIRY_MS) {
    throw new FleetcastError('FLEETCAST_USAGE', `--expires-in "${raw}" is over ten years`, {
      hint: 'leave --expires-in out for a key that never expires',
    });
  }
  return ms;
}

const shortTime = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

function formatTable(records: readonly ApiKeyRecord[]): string {
  if (records.length === 0) return 'no API keys in the metadata store (create one: fleetcast keys create NAME)';
  const rows = [
    ['ID', 'NAME', 'STATUS', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED'],
    ...records.map((r) => [
      r.id,
      r.name,
      r.status,
      shortTime(r.created_at),
      r.expires_at ? shortTime(r.expires_at) : 'never',
      r.revoked_at ? shortTime(r.revoked_at) : '-',
      r.last_used_at ? shortTime(r.last_used_at) : '-',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
