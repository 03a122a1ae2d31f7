/**
 * API keys, held only as sha256 hashes. Two sources: the configuration (`api_keys`,
 * FLEETCAST_API_KEYS), fixed for the life of the process, and an optional keys file
 * (`serve.api_keys_file`) re-read on SIGHUP and whenever its modification time changes (checked on
 * the reload interval) — so keys rotate without a restart: add the new key, move clients, remove
 * the old one. A line of the file is `sha256:HEX` (preferred: the key itself never rests on disk)
 * or the key; `#` starts a comment.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { errorMessage, FleetcastError } from '../../core/errors.js';

export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The short, non-secret name of a key in logs and rate-limit buckets. */
export const keyId = (hash: string): string => hash.slice(0, 12);

export interface KeyRingOptions {
  keys: readonly string[];
  file?: string;
  onWarning?: (message: string) => void;
}

export class KeyRing {
  readonly #configured: Set<string>;
  readonly #file: string | undefined;
  readonly #onWarning: (message: string) => void;
  #fromFile = new Set<string>();
  #fileStamp = '';

  constructor(options: KeyRingOptions) {
    this.#configured = new Set(options.keys.map(hashKey));
    this.#file = options.file;
    this.#onWarning = options.onWarning ?? (() => {});
    if (this.#file) this.reload({ strict: true });
  }

  /** Keys accepted now; 0 means the service is open. */
  get size(): number {
    let size = this.#configured.size;
    for (const hash of this.#fromFile) if (!this.#configured.has(hash)) size++;
    return size;
  }

  get open(): boolean {
    return this.size === 0;
  }

  /** The hash of `presented` when it is a valid key, else undefined. */
  verify(presented: string): string | undefined {
    const hash = hashKey(presented);
    return this.#configured.has(hash) || this.#fromFile.has(hash) ? hash : undefined;
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
}

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
