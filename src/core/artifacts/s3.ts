/**
 * The scaled artifact store: a bucket (plus an optional key prefix) on AWS S3 or any S3-compatible
 * server (MinIO, Ceph, s3rver…). A PutObject is atomic on S3's side, so a reader never sees half an
 * object; the sha256 recorded at put travels as object metadata (`x-amz-meta-sha256`).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError } from '../errors.js';
import { type ArtifactBody, compareKeys, keyProblem, readBody, validateKey, validatePrefix } from './keys.js';
import type { ArtifactInfo, ArtifactStore } from './types.js';

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ("fleetcast/prod"); the store sees only keys under it. */
  prefix?: string;
  /** S3-compatible endpoint (e.g. http://127.0.0.1:9000); AWS S3 when absent. */
  endpoint?: string;
  /** Defaults to us-east-1, which S3-compatible servers accept whatever their location. */
  region?: string;
  /** Bucket in the path (http://host/bucket/key) rather than the host name; most non-AWS servers need it. */
  forcePathStyle?: boolean;
  /** Explicit credentials (tests); when absent, the SDK's chain: env vars, profile, instance role… */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** ListObjectsV2 page size (S3 caps it at 1000); small values exercise pagination in tests. */
  pageSize?: number;
  /** Connection and idle-socket timeout in ms. Short, so a dead endpoint fails fast. */
  timeoutMs?: number;
  /** Attempts per request including the first; small, for the same reason. */
  maxAttempts?: number;
}

/** How many HeadObject requests `list` keeps in flight at once. */
const HEAD_CONCURRENCY = 16;

export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3' as const;
  readonly location: string;
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly prefix: string;
  readonly client: S3Client;
  private readonly endpoint: string | undefined;
  private readonly pageSize: number;

  constructor(options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const problem = prefix === '' ? undefined : keyProblem(prefix);
    if (!options.bucket || problem !== undefined) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        options.bucket ? `Invalid S3 key prefix "${prefix}": ${problem}` : 'An S3 artifact store needs a bucket',
        { hint: 'Use s3://bucket/optional/prefix, where the prefix is a /-separated path.' },
      );
    }
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    this.endpoint = options.endpoint;
    this.pageSize = Math.max(1, Math.min(1000, options.pageSize ?? 1000));
    const endpointNote = options.endpoint ? ` (endpoint ${maskUrl(options.endpoint)})` : '';
    this.location = `s3://${this.bucket}/${this.prefix}${endpointNote}`;
    const timeout = options.timeoutMs ?? 5_000;
    this.client = new S3Client({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 2,
      // socketTimeout is an idle timeout, not a total one, so a long upload that keeps moving bytes
      // is not cut off while a server that stops answering is.
      requestHandler: { connectionTimeout: timeout, socketTimeout: timeout },
      // Newer SDKs otherwise add CRC checksums and aws-chunked uploads, which S3-compatible servers
      // (s3rver, older MinIO/Ceph) reject; integrity is covered by our own sha256 instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: ArtifactBody): Promise<ArtifactInfo> {
    validateKey(key);
    // A Buffer with a known length, not a stream: a stream of unknown length would make the SDK
    // fall back to chunked encoding, which S3-compatible servers handle unevenly.
    const { data, sha256 } = await readBody(body, key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: data,
          ContentLength: data.length,
          ContentType: 'application/octet-stream',
          Metadata: { sha256 },
        }),
      );
    } catch (error) {
      throw this.s3Error(error, 'put', key);
    }
    return { key, size: data.length, sha256, modifiedAt: new Date() };
  }

  async get(key: string): Promise<Buffer> {
    validateKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      if (!response.Body) throw new Error('the response had no body');
      const data = Buffer.from(await response.Body.transformToByteArray());
      const expected = recordedSha256(response.Metadata);
      // An object uploaded by another tool has no recorded sha256: there is nothing to verify against.
      if (expected === undefined) return data;
      const actual = createHash('sha256').update(data).digest('hex');
      if (actual !== expected) {
        throw new FleetcastError(
          'FLEETCAST_CHECKSUM_MISMATCH',
          `Artifact "${key}" in ${this.location} does not match its checksum: expected sha256 ${expected}, got ${actual}`,
          {
            hint: 'The object was overwritten outside Fleetcast (keeping the old metadata) or corrupted. Put the artifact again.',
            details: { key, expected, actual },
          },
        );
      }
      return data;
    } catch (error) {
      throw this.s3Error(error, 'get', key);
    }
  }

  async stat(key: string): Promise<ArtifactInfo> {
    validateKey(key);
    const head = await this.head(key);
    if (head === undefined) throw this.notFound(key);
    return this.infoFrom(key, head);
  }

  async exists(key: string): Promise<boolean> {
    validateKey(key);
    return (await this.head(key)) !== undefined;
  }

  async list(prefix = ''): Promise<ArtifactInfo[]> {
    validatePrefix(prefix);
    // A Set, not an array: some S3-compatible servers repeat a key across pages.
    const keys = new Set<string>();
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            MaxKeys: this.pageSize,
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(this.prefix.length);
          // Skips "folder" markers (keys ending in /) and keys other tools wrote that this store
          // could not address (a//b, ../x): list only what get/stat/delete accept.
          if (key !== undefined && keyProblem(key) === undefined) keys.add(key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.s3Error(error, 'list', prefix);
    }
    const sorted = [...keys].sort(compareKeys);
    const infos: ArtifactInfo[] = [];
    for (let i = 0; i < sorted.length; i += HEAD_CONCURRENCY) {
      const batch = await Promise.all(
        sorted.slice(i, i + HEAD_CONCURRENCY).map(async (key) => {
          const head = await this.head(key);
          // Deleted between the listing and the HeadObject: no longer listed.
          return head === undefined ? undefined : this.infoFrom(key, head);
        }),
      );
      for (const info of batch) if (info !== undefined) infos.push(info);
    }
    return infos;
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      // S3 answers 204 for a missing key too, so deleting stays idempotent.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (error) {
      throw this.s3Error(error, 'delete', key);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw this.s3Error(error, 'ping');
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** HeadObject, or undefined when the key is absent. */
  private async head(key: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (error) {
      if (statusOf(error) === 404 && nameOf(error) !== 'NoSuchBucket') return undefined;
      throw this.s3Error(error, 'stat', key);
    }
  }

  private async infoFrom(key: string, head: HeadObjectCommandOutput): Promise<ArtifactInfo> {
    // No recorded sha256 (uploaded by another tool, e.g. models copied straight into the bucket):
    // hash the content, streaming so a large model is never held in memory whole.
    const sha256 = recordedSha256(head.Metadata) ?? (await this.hashObject(key));
    return { key, size: head.ContentLength ?? 0, sha256, modifiedAt: head.LastModified ?? new Date(0) };
  }

  private async hashObject(key: string): Promise<string> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      const hash = createHash('sha256');
      const body = response.Body;
      if (body instanceof Readable) {
        for await (const chunk of body) hash.update(chunk as Buffer);
      } else if (body) {
        hash.update(await body.transformToByteArray());
      }
      return hash.digest('hex');
    } catch (error) {
      throw this.s3Error(error, 'stat', key);
    }
  }

  private notFound(key: string): FleetcastError {
    return new FleetcastError('FLEETCAST_NOT_FOUND', `No artifact "${key}" in ${this.location}`, {
      hint: 'Check the key, or list what is stored with the prefix it should start with.',
      details: { key, location: this.location },
    });
  }

  /** Turns an SDK or network error into the catalogue's code, with what to do about it. */
  private s3Error(error: unknown, action: string, key?: string): FleetcastError {
    if (error instanceof FleetcastError) return error;
    const name = nameOf(error);
    const status = statusOf(error);
    const subject = key === undefined ? this.location : `"${key}" in ${this.location}`;
    const details = { ...(key === undefined ? {} : { key }), location: this.location, action };
    if (isNetworkError(error)) {
      return new FleetcastError(
        'FLEETCAST_BACKEND_UNREACHABLE',
        `Cannot reach ${this.location}: ${errorMessage(error)}`,
        {
          hint: this.endpoint
            ? `Check that the S3 server at ${maskUrl(this.endpoint)} is running and reachable from here.`
            : 'Check the network path to S3 (proxy, DNS, firewall), or set endpoint= for an S3-compatible server.',
          details,
          cause: error,
        },
      );
    }
    if (status === 403 || (name !== undefined && AUTH_ERRORS.has(name))) {
      return new FleetcastError(
        'FLEETCAST_BACKEND_AUTH',
        `${this.location} refused the credentials (${name ?? status})`,
        {
          hint: `Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), and that they may read, write, list and delete in bucket "${this.bucket}".`,
          details,
          cause: error,
        },
      );
    }
    if (name === 'NoSuchBucket' || (status === 404 && action === 'ping')) {
      const endpointFlag = this.endpoint ? ` --endpoint-url ${maskUrl(this.endpoint)}` : '';
      return new FleetcastError(
        'FLEETCAST_NOT_FOUND',
        `The bucket "${this.bucket}" does not exist at ${this.location}`,
        {
          hint: `Create the bucket first, e.g. \`aws s3 mb s3://${this.bucket}${endpointFlag}\`, or fix the bucket name in the artifacts URL.`,
          details: { ...details, bucket: this.bucket },
          cause: error,
        },
      );
    }
    if (key !== undefined && (status === 404 || name === 'NoSuchKey' || name === 'NotFound')) return this.notFound(key);
    return new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `S3 ${action} of ${subject} failed: ${name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(error)}`,
      { hint: 'Check the S3 server logs; retry if the failure was transient.', details, cause: error },
    );
  }
}

const AUTH_ERRORS = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

function isNetworkError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const name = nameOf(error);
  if (name === 'TimeoutError' || name === 'RequestTimeout') return true;
  if ('code' in error && typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  if (error instanceof AggregateError) return error.errors.some(isNetworkError);
  return 'cause' in error && error.cause !== error && isNetworkError(error.cause);
}

function nameOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : undefined;
  // Generic names say nothing; the Code of an S3 error body sometimes lands in `Code` instead.
  const code = 'Code' in error && typeof error.Code === 'string' ? error.Code : undefined;
  return code ?? name;
}

function statusOf(error: unknown): number | undefined {
  if (!error || typeof error !== 'object' || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (!metadata || typeof metadata !== 'object' || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

function recordedSha256(metadata: Record<string, string> | undefined): string | undefined {
  const value = metadata?.sha256?.trim().toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}
