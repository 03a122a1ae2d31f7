/**
 * The artifact store on Google Cloud Storage (`gs://bucket/prefix`), over the GCS JSON API with the
 * global fetch. A put is one multipart upload: GCS checks the MD5 we send against the bytes it
 * receives and makes the object visible only once complete, and the sha256 recorded at put travels
 * as custom metadata (`metadata.sha256`). A get reads the metadata, then that exact generation's
 * bytes, and verifies both MD5 and sha256, so an object overwritten between the two reads, or
 * behind the store's back, is refused rather than returned.
 */
import { createHash } from 'node:crypto';
import { maskUrl } from '../config/mask.js';
import { FleetcastError } from '../errors.js';
import {
  apiRoot,
  GoogleApiError,
  type GoogleRestOptions,
  googleAuthError,
  googleFetch,
  googleJson,
  multipartRelated,
} from './google-rest.js';
import { type ArtifactBody, compareKeys, keyProblem, readBody, validateKey, validatePrefix } from './keys.js';
import type { ArtifactInfo, ArtifactStore } from './types.js';

export const GCS_DEFAULT_ENDPOINT = 'https://storage.googleapis.com';

export interface GcsArtifactStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket; the store sees only keys under it. */
  prefix?: string;
  /** API root (default https://storage.googleapis.com), e.g. an emulator's http://127.0.0.1:4443. */
  endpoint?: string;
  /** OAuth 2 access token (GOOGLE_OAUTH_ACCESS_TOKEN); none for an emulator. */
  accessToken?: string;
  /** objects.list page size (GCS caps it at 1000); small values exercise paging in tests. */
  pageSize?: number;
  timeoutMs?: number;
}

/** The fields of a GCS object resource this store reads. */
interface GcsObject {
  name: string;
  size: string;
  generation: string;
  md5Hash?: string;
  updated?: string;
  metadata?: Record<string, string>;
}

export class GcsArtifactStore implements ArtifactStore {
  readonly kind = 'gs' as const;
  readonly location: string;
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly prefix: string;
  private readonly rest: GoogleRestOptions;
  private readonly pageSize: number;

  constructor(options: GcsArtifactStoreOptions) {
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const problem = prefix === '' ? undefined : keyProblem(prefix);
    if (!options.bucket || problem !== undefined) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        options.bucket ? `Invalid GCS key prefix "${prefix}": ${problem}` : 'A GCS artifact store needs a bucket',
        { hint: 'Use gs://bucket/optional/prefix, where the prefix is a /-separated path.' },
      );
    }
    this.bucket = options.bucket;
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    this.pageSize = Math.max(1, Math.min(1000, options.pageSize ?? 1000));
    const endpoint = apiRoot(options.endpoint ?? GCS_DEFAULT_ENDPOINT);
    const endpointNote = endpoint === GCS_DEFAULT_ENDPOINT ? '' : ` (endpoint ${maskUrl(endpoint)})`;
    this.location = `gs://${this.bucket}/${this.prefix}${endpointNote}`;
    this.rest = {
      endpoint,
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      timeoutMs: options.timeoutMs ?? 10_000,
      what: `GCS bucket ${this.bucket}`,
    };
  }

  async put(key: string, body: ArtifactBody): Promise<ArtifactInfo> {
    validateKey(key);
    const { data, sha256 } = await readBody(body, key);
    const resource = {
      name: this.prefix + key,
      contentType: 'application/octet-stream',
      md5Hash: createHash('md5').update(data).digest('base64'),
      metadata: { sha256 },
    };
    const upload = multipartRelated(resource, data, 'application/octet-stream');
    try {
      const response = await googleFetch(this.rest, `/upload/storage/v1/b/${this.bucketPath}/o?uploadType=multipart`, {
        method: 'POST',
        headers: { 'content-type': upload.contentType },
        body: upload.body,
      });
      const stored = (await response.json()) as GcsObject;
      return { key, size: data.length, sha256, modifiedAt: stored.updated ? new Date(stored.updated) : new Date() };
    } catch (error) {
      throw this.gcsError(error, 'put', key);
    }
  }

  async get(key: string): Promise<Buffer> {
    validateKey(key);
    const object = await this.resource(key);
    if (object === undefined) throw this.notFound(key);
    let data: Buffer;
    try {
      // That generation's bytes: an overwrite since the metadata was read gives 404, not a mismatch.
      const response = await googleFetch(
        this.rest,
        `${this.objectPath(key)}?alt=media&generation=${object.generation}`,
      );
      data = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 404) return this.get(key);
      throw this.gcsError(error, 'get', key);
    }
    if (object.md5Hash !== undefined) {
      const md5 = createHash('md5').update(data).digest('base64');
      if (md5 !== object.md5Hash) throw this.mismatch(key, 'md5', object.md5Hash, md5);
    }
    const expected = recordedSha256(object.metadata);
    // An object uploaded by another tool has no recorded sha256: its MD5 was the check.
    if (expected === undefined) return data;
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== expected) throw this.mismatch(key, 'sha256', expected, actual);
    return data;
  }

  async stat(key: string): Promise<ArtifactInfo> {
    validateKey(key);
    const object = await this.resource(key);
    if (object === undefined) throw this.notFound(key);
    return this.infoFrom(key, object);
  }

  async exists(key: string): Promise<boolean> {
    validateKey(key);
    return (await this.resource(key)) !== undefined;
  }

  async list(prefix = ''): Promise<ArtifactInfo[]> {
    validatePrefix(prefix);
    const objects = new Map<string, GcsObject>();
    let pageToken: string | undefined;
    try {
      do {
        const query = new URLSearchParams({ prefix: this.prefix + prefix, maxResults: String(this.pageSize) });
        if (pageToken) query.set('pageToken', pageToken);
        const page = await googleJson<{ items?: GcsObject[]; nextPageToken?: string }>(
          this.rest,
          `/storage/v1/b/${this.bucketPath}/o?${query}`,
        );
        for (const object of page.items ?? []) {
          const key = object.name.slice(this.prefix.length);
          // Skips "folder" markers (a/) and names this store could not address (a//b, ../x).
          if (object.name.startsWith(this.prefix) && keyProblem(key) === undefined) objects.set(key, object);
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
    } catch (error) {
      throw this.gcsError(error, 'list', prefix);
    }
    const infos: ArtifactInfo[] = [];
    for (const key of [...objects.keys()].sort(compareKeys)) infos.push(await this.infoFrom(key, objects.get(key)!));
    return infos;
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await googleFetch(this.rest, this.objectPath(key), { method: 'DELETE' });
    } catch (error) {
      // Deleting a missing object is not an error (idempotent), unlike a missing bucket.
      if (error instanceof GoogleApiError && error.status === 404 && !isMissingBucket(error)) return;
      throw this.gcsError(error, 'delete', key);
    }
  }

  async ping(): Promise<void> {
    try {
      await googleJson(this.rest, `/storage/v1/b/${this.bucketPath}`);
    } catch (error) {
      throw this.gcsError(error, 'ping');
    }
  }

  async close(): Promise<void> {
    // fetch keeps no client to release.
  }

  private get bucketPath(): string {
    return encodeURIComponent(this.bucket);
  }

  private objectPath(key: string): string {
    return `/storage/v1/b/${this.bucketPath}/o/${encodeURIComponent(this.prefix + key)}`;
  }

  /** The object resource, or undefined when the key is absent. */
  private async resource(key: string): Promise<GcsObject | undefined> {
    try {
      return await googleJson<GcsObject>(this.rest, this.objectPath(key));
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 404 && !isMissingBucket(error)) return undefined;
      throw this.gcsError(error, 'stat', key);
    }
  }

  private async infoFrom(key: string, object: GcsObject): Promise<ArtifactInfo> {
    // No recorded sha256 (copied in by gsutil or the console): hash the verified content.
    const sha256 =
      recordedSha256(object.metadata) ??
      createHash('sha256')
        .update(await this.get(key))
        .digest('hex');
    return {
      key,
      size: Number(object.size),
      sha256,
      modifiedAt: object.updated ? new Date(object.updated) : new Date(0),
    };
  }

  private notFound(key: string): FleetcastError {
    return new FleetcastError('FLEETCAST_NOT_FOUND', `No artifact "${key}" in ${this.location}`, {
      hint: 'Check the key, or list what is stored with the prefix it should start with.',
      details: { key, location: this.location },
    });
  }

  private mismatch(key: string, algorithm: 'md5' | 'sha256', expected: string, actual: string): FleetcastError {
    return new FleetcastError(
      'FLEETCAST_CHECKSUM_MISMATCH',
      `Artifact "${key}" in ${this.location} does not match its checksum: expected ${algorithm} ${expected}, got ${actual}`,
      {
        hint: 'The object was overwritten outside Fleetcast (keeping the old metadata) or corrupted. Put the artifact again.',
        details: { key, expected, actual },
      },
    );
  }

  /** A GCS or network error as the catalogue's code, with what to do about it. */
  private gcsError(error: unknown, action: string, key?: string): FleetcastError {
    if (error instanceof FleetcastError) return error;
    if (!(error instanceof GoogleApiError)) {
      return new FleetcastError('FLEETCAST_BACKEND_ERROR', `GCS ${action} failed: ${String(error)}`, { cause: error });
    }
    if (error.status === 401 || error.status === 403) return googleAuthError(this.rest, error);
    if (isMissingBucket(error) || (error.status === 404 && action === 'ping')) {
      return new FleetcastError(
        'FLEETCAST_NOT_FOUND',
        `The bucket "${this.bucket}" does not exist at ${this.location}`,
        {
          hint: `Create the bucket first, e.g. \`gcloud storage buckets create gs://${this.bucket}\`, or fix the bucket name in the artifacts URL.`,
          details: { bucket: this.bucket, location: this.location, action },
          cause: error,
        },
      );
    }
    if (key !== undefined && error.status === 404) return this.notFound(key);
    const subject = key === undefined ? this.location : `"${key}" in ${this.location}`;
    return new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `GCS ${action} of ${subject} failed (HTTP ${error.status}${error.reason ? `, ${error.reason}` : ''}): ${error.message}`,
      {
        hint: 'Retry if the failure was transient; otherwise check the bucket and its permissions.',
        details: { ...(key === undefined ? {} : { key }), location: this.location, action },
        cause: error,
      },
    );
  }
}

function isMissingBucket(error: GoogleApiError): boolean {
  return error.status === 404 && /bucket does not exist|no such bucket/i.test(error.message);
}

function recordedSha256(metadata: Record<string, string> | undefined): string | undefined {
  const value = metadata?.sha256?.trim().toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}
