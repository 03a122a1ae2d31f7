import type { Readable } from 'node:stream';

export interface ArtifactInfo {
  /** Slash-separated key relative to the store root, e.g. `cpu-forecast/v3/fleetcast.json`. */
  key: string;
  size: number;
  /** Hex sha256 of the content. */
  sha256: string;
  modifiedAt: Date;
}

/**
 * Files of models and datasets. Embedded: a local folder. Scaled: an S3-compatible bucket + prefix,
 * or a Google Cloud Storage bucket + prefix.
 * A put is all-or-nothing: a reader never sees a half-written object under its final key.
 */
export interface ArtifactStore {
  readonly kind: 'file' | 's3' | 'gs';
  /** The store's location, secrets masked, for messages. */
  readonly location: string;
  put(key: string, body: Buffer | Uint8Array | string | Readable): Promise<ArtifactInfo>;
  /** Reads an object and verifies it against the sha256 recorded at put time. */
  get(key: string): Promise<Buffer>;
  /** Size, sha256 and time of one object; throws FLEETCAST_NOT_FOUND when absent. */
  stat(key: string): Promise<ArtifactInfo>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix?: string): Promise<ArtifactInfo[]>;
  /** Deletes one object; deleting a missing key is not an error (idempotent). */
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
