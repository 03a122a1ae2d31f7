import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GcsArtifactStore,
  LocalArtifactStore,
  openArtifactStore,
  parseArtifactsUrl,
  S3ArtifactStore,
} from '../../../src/core/artifacts/index.js';
import { isFleetcastError } from '../../../src/core/errors.js';
import { startS3Server, type TestS3Server } from '../../helpers/s3-server.js';
import { tempDir, uniqueSuffix } from '../../helpers/services.js';
import { startFakeGcs } from './gcs-fake-server.js';

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

describe('openArtifactStore and parseArtifactsUrl', () => {
  it('parses file: URLs and plain absolute paths as local folders', () => {
    expect(parseArtifactsUrl('file:///var/lib/fleetcast')).toEqual({ kind: 'file', rootDir: '/var/lib/fleetcast' });
    expect(parseArtifactsUrl('file:///tmp/with%20space')).toEqual({ kind: 'file', rootDir: '/tmp/with space' });
    expect(parseArtifactsUrl('/srv/artifacts')).toEqual({ kind: 'file', rootDir: '/srv/artifacts' });
  });

  it('parses s3: URLs with bucket, prefix, endpoint, region and path style', () => {
    const bare = { kind: 's3', bucket: 'models', prefix: '', region: 'us-east-1', forcePathStyle: false };
    expect(parseArtifactsUrl('s3://models', {})).toEqual(bare);
    const full = 's3://models/fleet/prod/?endpoint=http://127.0.0.1:4569&region=eu-west-1&path_style=true';
    const expected = { prefix: 'fleet/prod', endpoint: 'http://127.0.0.1:4569', region: 'eu-west-1' };
    expect(parseArtifactsUrl(full, {})).toEqual({ ...bare, ...expected, forcePathStyle: true });
    expect(parseArtifactsUrl('s3://models?endpoint=http://h:9000&path_style=false', {})).toMatchObject({
      forcePathStyle: false,
    });
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, when the URL has none', () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://s3-only:9000', AWS_ENDPOINT_URL: 'http://all:9000' };
    expect(parseArtifactsUrl('s3://models', env)).toMatchObject({
      endpoint: 'http://s3-only:9000',
      forcePathStyle: true,
    });
    expect(parseArtifactsUrl('s3://models', { AWS_ENDPOINT_URL: 'http://all:9000' })).toMatchObject({
      endpoint: 'http://all:9000',
    });
    expect(parseArtifactsUrl('s3://models?endpoint=http://mine:1', env)).toMatchObject({ endpoint: 'http://mine:1' });
  });

  it('parses gs: URLs, taking the endpoint from ?endpoint= or STORAGE_EMULATOR_HOST', () => {
    expect(parseArtifactsUrl('gs://models', {})).toEqual({ kind: 'gs', bucket: 'models', prefix: '' });
    expect(parseArtifactsUrl('gs://models/fleet/prod/', { STORAGE_EMULATOR_HOST: 'localhost:4443' })).toEqual({
      kind: 'gs',
      bucket: 'models',
      prefix: 'fleet/prod',
      endpoint: 'http://localhost:4443',
    });
    expect(parseArtifactsUrl('gs://models?endpoint=https://gcs.internal/', {})).toMatchObject({
      endpoint: 'https://gcs.internal',
    });
  });

  const badUrls = ['', 'relative/path', 'http://example.com/bucket', 'file://host/path', 's3://', 's3:bucket'];
  badUrls.push('gs://', 'gs:bucket', 'gs://Bad_Bucket', 'gs://bucket?region=eu', 'gs://tok:supersecret@bucket');
  badUrls.push('s3://Bad_Bucket', 's3://bucket:99/x', 's3://bucket/a%5Cb', 's3://bucket?pathstyle=true');
  badUrls.push('s3://bucket?path_style=maybe', 's3://bucket?endpoint=ftp://host', 's3://AKIA:supersecret@bucket');
  it.each(badUrls)('rejects %j with FLEETCAST_URL_INVALID and a hint listing the accepted forms', (url) => {
    const error = (() => {
      try {
        parseArtifactsUrl(url, {});
      } catch (e) {
        return e;
      }
    })();
    if (!isFleetcastError(error, 'FLEETCAST_URL_INVALID')) throw new Error(`expected URL_INVALID, got ${error}`);
    expect(error.hint).toContain('s3://bucket');
    expect(error.hint).toContain('file:///');
    expect(error.message).not.toContain('supersecret');
  });

  it('opens a local store for file: URLs', async () => {
    const dir = tempDir();
    const store = await openArtifactStore(`file://${dir.path}/store`);
    expect(store).toBeInstanceOf(LocalArtifactStore);
    await store.put('k', 'v');
    expect((await store.get('k')).toString()).toBe('v');
    dir.remove();
  });

  it('opens an S3 store with credentials from the AWS environment variables', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
    try {
      const store = await openArtifactStore(`s3://${s3.bucket}/open-${uniqueSuffix()}?endpoint=${s3.endpoint}`);
      expect(store).toBeInstanceOf(S3ArtifactStore);
      expect(store.location).toContain(`s3://${s3.bucket}/open-`);
      await store.ping();
      await store.put('k', 'v');
      expect((await store.get('k')).toString()).toBe('v');
      await store.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('opens a GCS store with the bearer token from GOOGLE_OAUTH_ACCESS_TOKEN', async () => {
    const gcs = await startFakeGcs({ token: 'ya29.test' });
    try {
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.test', STORAGE_EMULATOR_HOST: gcs.endpoint };
      const store = await openArtifactStore(`gs://${gcs.bucket}/open-${uniqueSuffix()}`, env);
      expect(store).toBeInstanceOf(GcsArtifactStore);
      expect(store.location).toContain(`gs://${gcs.bucket}/open-`);
      await store.ping();
      await store.put('k', 'v');
      expect((await store.get('k')).toString()).toBe('v');
      await store.close();
    } finally {
      await gcs.close();
    }
  });
});
