/**
 * Opens the artifact store an URL names: a local folder (embedded), an S3-compatible bucket or a
 * Google Cloud Storage bucket (scaled).
 */
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError } from '../errors.js';
import { GcsArtifactStore } from './gcs.js';
import { apiRoot, GOOGLE_TOKEN_VARIABLE } from './google-rest.js';
import { keyProblem } from './keys.js';
import { LocalArtifactStore } from './local.js';
import { S3ArtifactStore } from './s3.js';
import type { ArtifactStore } from './types.js';

export { GCS_DEFAULT_ENDPOINT, GcsArtifactStore, type GcsArtifactStoreOptions } from './gcs.js';
export {
  apiRoot,
  GOOGLE_TOKEN_VARIABLE,
  GoogleApiError,
  type GoogleRestOptions,
  googleAuthError,
  googleFetch,
  googleJson,
  multipartRelated,
} from './google-rest.js';
export type { ArtifactBody } from './keys.js';
export { compareKeys, keyProblem, MAX_KEY_BYTES, readBody, validateKey, validatePrefix } from './keys.js';
export { LocalArtifactStore } from './local.js';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3.js';
export type { ArtifactInfo, ArtifactStore } from './types.js';

export type ArtifactsLocation =
  | { kind: 'file'; rootDir: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string; forcePathStyle: boolean }
  | { kind: 'gs'; bucket: string; prefix: string; endpoint?: string };

const ACCEPTED_FORMS = [
  'file:///absolute/folder',
  '/absolute/folder',
  's3://bucket[/prefix][?endpoint=http://host:port&region=us-east-1&path_style=true]',
  'gs://bucket[/prefix][?endpoint=http://host:port]',
].join(', ');

const S3_PARAMETERS = new Set(['endpoint', 'region', 'path_style']);

/** S3 bucket naming rules (the common subset every S3-compatible server accepts). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses an artifacts URL. `env` supplies AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (the SDK-wide
 * convention) when an s3 URL has no endpoint, AWS_REGION / AWS_DEFAULT_REGION when it has no region,
 * and STORAGE_EMULATOR_HOST (as the official GCS clients read it) when a gs URL has no endpoint.
 */
export function parseArtifactsUrl(url: string, env: NodeJS.ProcessEnv = process.env): ArtifactsLocation {
  const value = typeof url === 'string' ? url.trim() : '';
  if (isAbsolute(value)) return { kind: 'file', rootDir: value };
  if (value.startsWith('file:')) return parseFileUrl(value);
  if (value.startsWith('s3:')) return parseS3Url(value, env);
  if (value.startsWith('gs:')) return parseGsUrl(value, env);
  throw invalid(value, 'it is neither a file:, s3: nor gs: URL, nor an absolute path');
}

export async function openArtifactStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<ArtifactStore> {
  const location = parseArtifactsUrl(url, env);
  if (location.kind === 'file') return new LocalArtifactStore(location.rootDir);
  if (location.kind === 'gs') {
    // A bearer token from the environment (never from the URL); an emulator needs none.
    const token = env[GOOGLE_TOKEN_VARIABLE];
    return new GcsArtifactStore({
      bucket: location.bucket,
      prefix: location.prefix,
      ...(location.endpoint ? { endpoint: location.endpoint } : {}),
      ...(token ? { accessToken: token } : {}),
    });
  }
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

/** Bucket and prefix of an s3:// or gs:// URL, with the checks both share. */
function bucketAndPrefix(value: string, scheme: 's3' | 'gs'): { parsed: URL; bucket: string; prefix: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid(value, 'it is not a valid URL');
  }
  if (!value.startsWith(`${scheme}://`)) throw invalid(value, `a ${scheme} URL starts with ${scheme}://`);
  if (parsed.username || parsed.password) {
    throw invalid(
      value,
      scheme === 's3'
        ? 'credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : `credentials do not belong in the URL; set ${GOOGLE_TOKEN_VARIABLE}`,
    );
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
  return { parsed, bucket, prefix };
}

function parseGsUrl(value: string, env: NodeJS.ProcessEnv): ArtifactsLocation {
  const { parsed, bucket, prefix } = bucketAndPrefix(value, 'gs');
  for (const name of parsed.searchParams.keys()) {
    if (name !== 'endpoint') throw invalid(value, `unknown parameter "${name}"`);
  }
  const raw = parsed.searchParams.get('endpoint') || env.STORAGE_EMULATOR_HOST || undefined;
  if (raw !== undefined && !/^(https?:\/\/)?[^/\s]+/i.test(raw)) {
    throw invalid(value, `the endpoint "${maskUrl(raw)}" is not a host:port or an http(s):// URL`);
  }
  return { kind: 'gs', bucket, prefix, ...(raw ? { endpoint: apiRoot(raw) } : {}) };
}

function parseS3Url(value: string, env: NodeJS.ProcessEnv): ArtifactsLocation {
  const { parsed, bucket, prefix } = bucketAndPrefix(value, 's3');
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
