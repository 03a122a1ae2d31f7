/**
 * Opens the artifact store an URL names: a local folder (embedded) or an S3-compatible bucket (scaled).
 */
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError } from '../errors.js';
import { keyProblem } from './keys.js';
import { LocalArtifactStore } from './local.js';
import { S3ArtifactStore } from './s3.js';
import type { ArtifactStore } from './types.js';

export type { ArtifactBody } from './keys.js';
export { compareKeys, keyProblem, MAX_KEY_BYTES, readBody, validateKey, validatePrefix } from './keys.js';
export { LocalArtifactStore } from './local.js';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3.js';
export type { ArtifactInfo, ArtifactStore } from './types.js';

export type ArtifactsLocation =
  | { kind: 'file'; rootDir: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string; forcePathStyle: boolean };

const ACCEPTED_FORMS = [
  'file:///absolute/folder',
  '/absolute/folder',
  's3://bucket[/prefix][?endpoint=http://host:port&region=us-east-1&path_style=true]',
].join(', ');

const S3_PARAMETERS = new Set(['endpoint', 'region', 'path_style']);

/** S3 bucket naming rules (the common subset every S3-compatible server accepts). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses an artifacts URL. `env` supplies AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (the SDK-wide
 * convention) when the URL has no endpoint, and AWS_REGION / AWS_DEFAULT_REGION when it has no region.
 */
export function parseArtifactsUrl(url: string, env: NodeJS.ProcessEnv = process.env): ArtifactsLocation {
  const value = typeof url === 'string' ? url.trim() : '';
  if (isAbsolute(value)) return { kind: 'file', rootDir: value };
  if (value.startsWith('file:')) return parseFileUrl(value);
  if (value.startsWith('s3:')) return parseS3Url(value, env);
  throw invalid(value, 'it is neither a file: nor an s3: URL, nor an absolute path');
}

export async function openArtifactStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<ArtifactStore> {
  const location = parseArtifactsUrl(url, env);
  if (location.kind === 'file') return new LocalArtifactStore(location.rootDir);
  // Credentials come from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or else the
  // SDK's chain (profile, role), never from the URL, so the URL can be printed and stored safely.
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return new S3ArtifactStore({
    bucket: location.bucket,
    prefix: location.prefix,
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
}

function parseFileUrl(value: string): ArtifactsLocation {
  let rootDir: string;
  try {
    rootDir = fileURLToPath(value);
  } catch (error) {
    // file://relative/path parses "relative" as a host, which fileURLToPath refuses.
    throw invalid(value, errorMessage(error));
  }
  if (!isAbsolute(rootDir)) throw invalid(value, 'the folder must be an absolute path');
  return { kind: 'file', rootDir };
}

function parseS3Url(value: string, env: NodeJS.ProcessEnv): ArtifactsLocation {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid(value, 'it is not a valid URL');
  }
  if (!value.startsWith('s3://')) throw invalid(value, 'an S3 URL starts with s3://');
  if (parsed.username || parsed.password) {
    throw invalid(value, 'credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (parsed.port) throw invalid(value, 'the bucket cannot have a port; put the server in ?endpoint=');
  const bucket = parsed.hostname;
  if (!BUCKET_NAME.test(bucket)) {
    throw invalid(value, `"${bucket}" is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)`);
  }
  let prefix: string;
  try {
    prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
  } catch {
    throw invalid(value, 'the prefix is not valid percent-encoding');
  }
  const problem = prefix === '' ? undefined : keyProblem(prefix);
  if (problem !== undefined) throw invalid(value, `the prefix "${prefix}" is invalid: ${problem}`);

  for (const name of parsed.searchParams.keys()) {
    // A typo (pathstyle=) would otherwise be silently ignored and fail later in a confusing way.
    if (!S3_PARAMETERS.has(name)) throw invalid(value, `unknown parameter "${name}"`);
  }
  const endpoint = parsed.searchParams.get('endpoint') || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/i.test(endpoint)) {
    throw invalid(value, `the endpoint "${maskUrl(endpoint)}" is not an http:// or https:// URL`);
  }
  const region = parsed.searchParams.get('region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const pathStyle = parsed.searchParams.get('path_style');
  let forcePathStyle: boolean;
  if (pathStyle === null || pathStyle === '') {
    // A custom endpoint is almost always a server without per-bucket DNS names (MinIO, s3rver…).
    forcePathStyle = endpoint !== undefined;
  } else if (/^(true|1|yes)$/i.test(pathStyle)) {
    forcePathStyle = true;
  } else if (/^(false|0|no)$/i.test(pathStyle)) {
    forcePathStyle = false;
  } else {
    throw invalid(value, `path_style must be true or false, not "${pathStyle}"`);
  }
  return { kind: 's3', bucket, prefix, region, forcePathStyle, ...(endpoint ? { endpoint } : {}) };
}

function invalid(value: string, reason: string): FleetcastError {
  return new FleetcastError('FLEETCAST_URL_INVALID', `Invalid artifacts URL "${maskUrl(value)}": ${reason}`, {
    hint: `Accepted forms: ${ACCEPTED_FORMS}.`,
    details: { url: maskUrl(value) },
  });
}
