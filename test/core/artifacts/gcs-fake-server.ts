/**
 * A local HTTP server speaking the subset of the GCS JSON API (v1) the GCS artifact store uses, for
 * contract tests: buckets.get; objects.insert (multipart and media uploads, with the server-side MD5
 * check of a multipart upload's `md5Hash`); objects.get (metadata, and `alt=media` with `generation`);
 * objects.list (prefix, maxResults, pageToken, in name order); objects.delete. Errors use the API's
 * envelope `{error: {code, message, errors: [{reason}]}}`; a bearer token is required when one is set.
 * Like GCS, every write makes a new generation and recomputes MD5; custom metadata is what the
 * uploader sent.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

interface StoredObject {
  data: Buffer;
  generation: number;
  contentType: string;
  metadata: Record<string, string> | undefined;
  updated: Date;
}

export interface FakeGcs {
  endpoint: string;
  bucket: string;
  token: string;
  /** Writes an object the way another tool would (no custom metadata). */
  putForeign(name: string, data: Buffer): void;
  /** Replaces an object's bytes, keeping its custom metadata (as `gsutil cp` with preserved metadata). */
  tamper(name: string, data: Buffer): void;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeGcs(options: { bucket?: string; token?: string } = {}): Promise<FakeGcs> {
  const bucket = options.bucket ?? 'fleetcast-test';
  const token = options.token ?? 'test-token';
  const buckets = new Map<string, Map<string, StoredObject>>([[bucket, new Map()]]);
  let generation = 1_700_000_000_000_000;
  const write = (objects: Map<string, StoredObject>, name: string, data: Buffer, meta: Partial<StoredObject>) => {
    const stored: StoredObject = {
      data,
      generation: ++generation,
      contentType: meta.contentType ?? 'application/octet-stream',
      metadata: meta.metadata,
      updated: new Date(),
    };
    objects.set(name, stored);
    return stored;
  };
  const fake: FakeGcs = {
    endpoint: '',
    bucket,
    token,
    requests: 0,
    putForeign: (name, data) => write(buckets.get(bucket)!, name, data, {}),
    tamper: (name, data) => {
      const objects = buckets.get(bucket)!;
      write(objects, name, data, { metadata: objects.get(name)?.metadata });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    fake.requests++;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readAll(request);
    if (request.headers.authorization !== `Bearer ${token}`) {
      return fail(response, 401, 'Invalid Credentials', 'authError');
    }
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const object = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    const objectList = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const bucketOnly = /^\/storage\/v1\/b\/([^/]+)$/.exec(url.pathname);
    const name = decodeURIComponent((upload ?? object ?? objectList ?? bucketOnly)?.[1] ?? '');
    const objects = buckets.get(name);
    if (!upload && !object && !objectList && !bucketOnly) return fail(response, 404, 'Not Found', 'notFound');
    if (!objects) return fail(response, 404, 'The specified bucket does not exist.', 'notFound');

    if (bucketOnly && request.method === 'GET') return json(response, 200, { kind: 'storage#bucket', name });
    if (upload && request.method === 'POST') {
      const type = url.searchParams.get('uploadType');
      if (type === 'media') {
        const objectName = url.searchParams.get('name');
        if (!objectName) return fail(response, 400, 'Required parameter: name', 'required');
        return json(response, 200, resource(name, objectName, write(objects, objectName, body, {})));
      }
      if (type !== 'multipart') return fail(response, 400, `Unsupported uploadType ${type}`, 'invalid');
      const parts = parseMultipart(String(request.headers['content-type']), body);
      if (!parts) return fail(response, 400, 'Malformed multipart body', 'invalid');
      const meta = JSON.parse(parts.metadata.toString('utf8')) as {
        name?: string;
        md5Hash?: string;
        contentType?: string;
        metadata?: Record<string, string>;
      };
      if (!meta.name) return fail(response, 400, 'Required: name', 'required');
      const md5 = createHash('md5').update(parts.media).digest('base64');
      if (meta.md5Hash !== undefined && meta.md5Hash !== md5) {
        return fail(
          response,
          400,
          `Provided MD5 hash "${meta.md5Hash}" doesn't match calculated MD5 hash "${md5}".`,
          'invalid',
        );
      }
      const stored = write(objects, meta.name, parts.media, {
        metadata: meta.metadata,
        ...(meta.contentType ? { contentType: meta.contentType } : {}),
      });
      return json(response, 200, resource(name, meta.name, stored));
    }
    if (objectList && request.method === 'GET') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Math.min(1000, Number(url.searchParams.get('maxResults') ?? 1000));
      const names = [...objects.keys()]
        .filter((n) => n.startsWith(prefix))
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const token = url.searchParams.get('pageToken');
      const start = token ? Number(Buffer.from(token, 'base64').toString()) : 0;
      const page = names.slice(start, start + max);
      return json(response, 200, {
        kind: 'storage#objects',
        items: page.map((n) => resource(name, n, objects.get(n)!)),
        ...(start + max < names.length ? { nextPageToken: Buffer.from(String(start + max)).toString('base64') } : {}),
      });
    }
    if (object) {
      const objectName = decodeURIComponent(object[2]!);
      const stored = objects.get(objectName);
      if (request.method === 'DELETE') {
        if (!stored) return fail(response, 404, `No such object: ${name}/${objectName}`, 'notFound');
        objects.delete(objectName);
        response.writeHead(204).end();
        return;
      }
      const wanted = url.searchParams.get('generation');
      if (!stored || (wanted !== null && Number(wanted) !== stored.generation)) {
        return fail(response, 404, `No such object: ${name}/${objectName}`, 'notFound');
      }
      if (url.searchParams.get('alt') === 'media') {
        response.writeHead(200, {
          'content-type': stored.contentType,
          'x-goog-generation': String(stored.generation),
          'x-goog-hash': `md5=${createHash('md5').update(stored.data).digest('base64')}`,
        });
        response.end(stored.data);
        return;
      }
      return json(response, 200, resource(name, objectName, stored));
    }
    return fail(response, 405, `Method ${request.method} not allowed`, 'invalid');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => fail(response, 500, String(error), 'backendError'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake GCS server has no port');
  fake.endpoint = `http://127.0.0.1:${address.port}`;
  return fake;
}

function resource(bucket: string, name: string, stored: StoredObject) {
  return {
    kind: 'storage#object',
    bucket,
    name,
    size: String(stored.data.length),
    generation: String(stored.generation),
    metageneration: '1',
    contentType: stored.contentType,
    md5Hash: createHash('md5').update(stored.data).digest('base64'),
    updated: stored.updated.toISOString(),
    timeCreated: stored.updated.toISOString(),
    ...(stored.metadata ? { metadata: stored.metadata } : {}),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify(body));
}

function fail(response: ServerResponse, code: number, message: string, reason: string): void {
  json(response, code, { error: { code, message, errors: [{ message, domain: 'global', reason }] } });
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The two parts of a multipart/related upload: the JSON resource and the media. */
export function parseMultipart(contentType: string, body: Buffer): { metadata: Buffer; media: Buffer } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // after CRLF, before CRLF
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) parts.push(part.subarray(headerEnd + 4));
    start = next;
  }
  return parts.length === 2 ? { metadata: parts[0]!, media: parts[1]! } : undefined;
}
