/**
 * A Kubernetes API served by the test from recorded request/response pairs (test/tune/runtime/
 * recorded-api/*.json), since no cluster runs here. Discovery exchanges are answered whenever they
 * match; the others must arrive in the recorded order, with the recorded method, path, query,
 * content type and body (JSON compared by value). Anything else is answered 500 and listed in
 * `unexpected`, so a test sees exactly what fleetcast sent that the recording did not have.
 *
 * Record mode: `startRecordingProxy(upstream)` forwards every request to a real API server (for
 * instance `kubectl proxy --port 8001` in front of a kind cluster) and keeps the pairs, so the
 * cassettes can be re-recorded; see recorded-api/README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

export interface RecordedExchange {
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    contentType?: string;
    body?: unknown;
  };
  response: { status: number; headers?: Record<string, string>; body: unknown };
}

export interface Cassette {
  note: string;
  exchanges: RecordedExchange[];
}

export const CASSETTES = fileURLToPath(new URL('../recorded-api', import.meta.url));

export function loadCassette(name: string): Cassette {
  return JSON.parse(readFileSync(join(CASSETTES, `${name}.json`), 'utf8')) as Cassette;
}

interface Received {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

export interface KubeApiServer {
  url: string;
  /** Requests that matched no recorded exchange, with the reason. */
  unexpected: string[];
  /** Every request received, in order. */
  received: Received[];
  /** Recorded (non-discovery) exchanges not requested yet. */
  pending(): RecordedExchange[];
  /** Writes a kubeconfig whose current context points here; returns its path. */
  writeKubeconfig(dir: string, options?: { context?: string; namespace?: string }): string;
  close(): Promise<void>;
}

/** Serves the discovery cassette plus the named scenario cassette. */
export async function startRecordedApi(scenario: string | RecordedExchange[]): Promise<KubeApiServer> {
  const discovery = loadCassette('discovery').exchanges;
  const sequence = typeof scenario === 'string' ? loadCassette(scenario).exchanges : scenario;
  let next = 0;
  const unexpected: string[] = [];
  const received: Received[] = [];
  return listen(
    async (request, response) => {
      const incoming = await readRequest(request);
      received.push(incoming);
      const discovered = discovery.find((exchange) => mismatch(exchange, incoming) === undefined);
      if (discovered) return send(response, discovered.response);
      const expected = sequence[next];
      const problem = expected ? mismatch(expected, incoming) : 'the recording has no more exchanges';
      if (problem !== undefined || !expected) {
        unexpected.push(`${incoming.method} ${incoming.path}: ${problem}`);
        return send(response, {
          status: 500,
          body: { kind: 'Status', status: 'Failure', message: `not recorded: ${problem}` },
        });
      }
      next++;
      return send(response, expected.response);
    },
    {
      unexpected,
      received,
      pending: () => sequence.slice(next),
    },
  );
}

/** Forwards to a real API server (plain HTTP, e.g. kubectl proxy) and keeps every exchange. */
export async function startRecordingProxy(
  upstream: string,
): Promise<KubeApiServer & { exchanges: RecordedExchange[]; save(file: string, note: string): void }> {
  const exchanges: RecordedExchange[] = [];
  const received: Received[] = [];
  const server = await listen(
    async (request, response) => {
      const incoming = await readRequest(request);
      received.push(incoming);
      const query = new URLSearchParams(incoming.query).toString();
      const answer = await fetch(`${upstream}${incoming.path}${query ? `?${query}` : ''}`, {
        method: incoming.method,
        headers: {
          accept: 'application/json',
          ...(incoming.contentType ? { 'content-type': incoming.contentType } : {}),
        },
        ...(incoming.body !== undefined ? { body: JSON.stringify(incoming.body) } : {}),
      });
      const text = await answer.text();
      const body: unknown = text ? JSON.parse(text) : {};
      const headers: Record<string, string> = {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      };
      exchanges.push({
        request: {
          method: incoming.method,
          path: incoming.path,
          ...(Object.keys(incoming.query).length > 0 ? { query: incoming.query } : {}),
          ...(incoming.contentType && incoming.body !== undefined ? { contentType: incoming.contentType } : {}),
          ...(incoming.body !== undefined ? { body: incoming.body } : {}),
        },
        response: { status: answer.status, headers, body },
      });
      send(response, { status: answer.status, headers, body });
    },
    { unexpected: [], received, pending: () => [] },
  );
  return {
    ...server,
    exchanges,
    save: (file, note) => writeFileSync(file, `${JSON.stringify({ note, exchanges }, null, 2)}\n`),
  };
}

async function listen(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  state: Pick<KubeApiServer, 'unexpected' | 'received' | 'pending'>,
): Promise<KubeApiServer> {
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      state.unexpected.push(`${request.method} ${request.url}: ${(error as Error).message}`);
      send(response, { status: 500, body: { kind: 'Status', status: 'Failure', message: String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    ...state,
    writeKubeconfig: (dir, options = {}) => {
      const context = options.context ?? 'recorded';
      const path = join(dir, 'kubeconfig');
      writeFileSync(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `  - name: recorded`,
          // Plain HTTP on loopback: the client accepts it only with TLS verification off.
          `    cluster: {server: "${url}", insecure-skip-tls-verify: true}`,
          'users:',
          '  - name: tester',
          '    user: {token: recorded-token}',
          'contexts:',
          `  - name: ${context}`,
          `    context: {cluster: recorded, user: tester, namespace: ${options.namespace ?? 'default'}}`,
          `current-context: ${context}`,
          '',
        ].join('\n'),
      );
      return path;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readRequest(request: IncomingMessage): Promise<Received> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const url = new URL(request.url ?? '/', 'http://recorded');
  return {
    method: request.method ?? 'GET',
    path: decodeURIComponent(url.pathname),
    query: Object.fromEntries(url.searchParams),
    contentType: request.headers['content-type'],
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

/** Why a request does not match a recorded exchange, or undefined when it does. */
function mismatch(exchange: RecordedExchange, incoming: Received): string | undefined {
  const recorded = exchange.request;
  if (recorded.method !== incoming.method || recorded.path !== incoming.path) {
    return `expected ${recorded.method} ${recorded.path}`;
  }
  if (!isDeepStrictEqual(recorded.query ?? {}, incoming.query)) {
    return `query ${JSON.stringify(incoming.query)}, recorded ${JSON.stringify(recorded.query ?? {})}`;
  }
  if (recorded.contentType !== undefined && recorded.contentType !== incoming.contentType) {
    return `content type ${incoming.contentType}, recorded ${recorded.contentType}`;
  }
  if (recorded.body !== undefined && !isDeepStrictEqual(recorded.body, incoming.body)) {
    return `body differs from the recorded one: ${firstDifference(recorded.body, incoming.body, '')}`;
  }
  return undefined;
}

function firstDifference(recorded: unknown, sent: unknown, path: string): string {
  if (recorded && sent && typeof recorded === 'object' && typeof sent === 'object') {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(sent)]);
    for (const key of keys) {
      const a = (recorded as Record<string, unknown>)[key];
      const b = (sent as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, `${path}.${key}`);
    }
  }
  return `${path || '(body)'}: recorded ${JSON.stringify(recorded)}, sent ${JSON.stringify(sent)}`;
}

function send(
  response: ServerResponse,
  answer: { status: number; headers?: Record<string, string>; body: unknown },
): void {
  response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  response.end(JSON.stringify(answer.body));
}
