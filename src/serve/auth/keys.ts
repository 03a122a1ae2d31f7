/**
 * API keys, held only as sha256 hashes. Three sources:
 * - the configuration (`api_keys`, FLEETCAST_API_KEYS), fixed for the life of the process;
 * - an optional keys file (`serve.api_keys_file`), re-read on SIGHUP and whenever its modification
 *   time changes (checked on the reload interval). A line is `sha256:HEX` (preferred: the key itself
 *   never rests on disk) or the key; `#` starts a comment;
 * - the keys table of the metadata store (`fleetcast keys create|list|revoke`), re-read on the
 *   reload interval, so every replica sees a created or revoked key without a restart.
 * A key is accepted when any source holds it; an expired table key is refused at once, whatever the
 * refresh. A source that cannot be read keeps its previous keys, with a warning: never lock everyone
 * out because a file is half-written or the store is briefly away.
 */

import { readFileSync, statSync } from 'node:fs';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { type ActiveApiKey, hashApiKey } from '../../core/metadata/index.js';

export const hashKey = hashApiKey;

/** The short, non-secret name of a key in logs and rate-limit buckets (a table key's id is `key_` + it). */
export const keyId = (hash: string): string => hash.slice(0, 12);

/** The keys table as the ring reads it (src/serve/auth/open.ts binds it to the metadata store). */
export interface KeyTable {
  load(): Promise<{ keys: readonly ActiveApiKey[]; total: number }>;
  touch(ids: readonly string[], at: Date): Promise<void>;
}

export interface KeyRingOptions {
  keys: readonly string[];
  file?: string;
  table?: KeyTable;
  /** Never open, even with no key in force (the production profile): protected routes refuse all. */
  alwaysClosed?: boolean;
  onWarning?: (message: string) => void;
  onNotice?: (message: string) => void;
}

/** last_used_at of a table key is written at most this often (never on the request path). */
export const USAGE_WRITE_INTERVAL_MS = 60_000;

export class KeyRing {
  readonly #configured: Set<string>;
  readonly #file: string | undefined;
  readonly #table: KeyTable | undefined;
  readonly #alwaysClosed: boolean;
  readonly #onWarning: (message: string) => void;
  readonly #onNotice: (message: string) => void;
  #fromFile = new Set<string>();
  #fileStamp = '';
  /** sha256 → key, the table's keys in force at the last good read. */
  #fromTable = new Map<string, ActiveApiKey>();
  #tableRows = 0;
  #tableStamp = '';
  #tableDown = false;
  /** Table key id → last use not yet written; id → when its last use was last written. */
  readonly #used = new Map<string, number>();
  readonly #written = new Map<string, number>();

  constructor(options: KeyRingOptions) {
    this.#configured = new Set(options.keys.map(hashKey));
    this.#file = options.file;
    this.#table = options.table;
    this.#alwaysClosed = options.alwaysClosed ?? false;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#onNotice = options.onNotice ?? (() => {});
    if (this.#file) this.reload({ strict: true });
  }

  /** Keys accepted now, all sources together (a key in two sources counts once). */
  get size(): number {
    const now = Date.now();
    const hashes = new Set([...this.#configured, ...this.#fromFile]);
    for (const [hash, key] of this.#fromTable) if (inForce(key, now)) hashes.add(hash);
    return hashes.size;
  }

  /** Keys accepted now by source, for the logs. */
  get counts(): { configuration: number; file: number; table: number } {
    const now = Date.now();
    let table = 0;
    for (const key of this.#fromTable.values()) if (inForce(key, now)) table++;
    return { configuration: this.#configured.size, file: this.#fromFile.size, table };
  }

  /**
   * Open (no key asked for) only when no source names a key and the keys table never held one: once
   * keys are managed in the table, revoking the last one closes the service instead of opening it.
   */
  get open(): boolean {
    return !this.#alwaysClosed && this.#configured.size === 0 && this.#fromFile.size === 0 && this.#tableRows === 0;
  }

  /** The hash of `presented` when it is a valid key now, else undefined. */
  verify(presented: string): string | undefined {
    const hash = hashKey(presented);
    if (this.#configured.has(hash) || this.#fromFile.has(hash)) return hash;
    const key = this.#fromTable.get(hash);
    const now = Date.now();
    if (!key || !inForce(key, now)) return undefined;
    if (this.#table) this.#used.set(key.id, now);
    return hash;
  }

  /**
   * Re-reads the keys file when it changed and the keys table; true when the keys in force changed.
   * Failures keep the previous keys with a warning; with `strict` (at start) they are errors.
   */
  async refresh(options: { strict?: boolean } = {}): Promise<boolean> {
    const file = this.reload();
    const table = await this.#reloadTable(options.strict ?? false);
    await this.#writeUsage();
    return file || table;
  }

  /**
   * Re-reads the keys file when it changed (or always, with `force`). A file that cannot be read
   * keeps the previous keys, with a warning, so a half-written file never locks everyone out;
   * at start (`strict`) it is an error.
   */
  reload(options: { force?: boolean; strict?: boolean } = {}): boolean {
    const file = this.#file;
    if (!file) return false;
    try {
      const stat = statSync(file);
      const stamp = `${stat.mtimeMs}:${stat.size}`;
      if (!options.force && !options.strict && stamp === this.#fileStamp) return false;
      this.#fromFile = parseKeysFile(readFileSync(file, 'utf8'), file);
      this.#fileStamp = stamp;
      return true;
    } catch (error) {
      if (options.strict) {
        throw error instanceof FleetcastError
          ? error
          : new FleetcastError(
              'FLEETCAST_CONFIG_FILE',
              `cannot read the API keys file ${file}: ${errorMessage(error)}`,
              {
                hint: 'check serve.api_keys_file (FLEETCAST_SERVE_API_KEYS_FILE) and its permissions',
              },
            );
      }
      this.#onWarning(`keeping the previous API keys: ${errorMessage(error)}`);
      return false;
    }
  }

  async #reloadTable(strict: boolean): Promise<boolean> {
    if (!this.#table) return false;
    try {
      const { keys, total } = await this.#table.load();
      if (this.#tableDown) {
        this.#tableDown = false;
        this.#onNotice('the API keys table answers again');
      }
      const stamp = `${total}|${keys
        .map((key) => `${key.id}:${key.expiresAt ?? ''}`)
        .sort()
        .join(',')}`;
      if (stamp === this.#tableStamp) return false;
      this.#fromTable = new Map(keys.map((key) => [key.sha256, key]));
      this.#tableRows = total;
      this.#tableStamp = stamp;
      return true;
    } catch (error) {
      if (strict) {
        throw new FleetcastError('FLEETCAST_BACKEND_ERROR', `cannot read the API keys table: ${errorMessage(error)}`, {
          hint: 'check the metadata store (fleetcast doctor)',
          cause: error,
        });
      }
      // Once per outage, not on every refresh; the keys last read stay in force meanwhile.
      if (!this.#tableDown) {
        this.#onWarning(`keeping the previous API keys: the keys table cannot be read: ${errorMessage(error)}`);
      }
      this.#tableDown = true;
      return false;
    }
  }

  async #writeUsage(): Promise<void> {
    if (!this.#table || this.#used.size === 0 || this.#tableDown) return;
    const now = Date.now();
    const due = [...this.#used.keys()].filter(
      (id) => now - (this.#written.get(id) ?? Number.NEGATIVE_INFINITY) >= USAGE_WRITE_INTERVAL_MS,
    );
    if (due.length === 0) return;
    try {
      await this.#table.touch(due, new Date(now));
      for (const id of due) {
        this.#written.set(id, now);
        this.#used.delete(id);
      }
    } catch (error) {
      this.#onWarning(`cannot record when API keys were last used: ${errorMessage(error)}`);
    }
  }
}

const inForce = (key: ActiveApiKey, now: number): boolean => key.expiresAt === null || key.expiresAt > now;

export function parseKeysFile(text: string, file: string): Set<string> {
  const hashes = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(line);
    if (hashed) {
      hashes.add(hashed[1]!.toLowerCase());
      return;
    }
    if (line.length < 16 || /\s/.test(line)) {
      throw new FleetcastError('FLEETCAST_CONFIG_INVALID', `${file}:${index + 1}: not an API key or sha256:HEX`, {
        hint: 'write one key (16+ characters, no spaces) or sha256:<64 hex digits> per line',
      });
    }
    hashes.add(hashKey(line));
  });
  return hashes;
}
