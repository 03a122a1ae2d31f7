/**
 * A Kubernetes API served from recorded request/response pairs (test/collect/fixtures/kubernetes).
 * Requests must come in the recorded order; a request equal to the previous one (rollout-status
 * polling) gets the previous answer again. A PATCH must carry exactly the recorded body. Anything
 * else is answered 500 and listed in `unexpected`, so a test fails with the reason.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

export interface Exchange {
  request: { method: string; path: string; contentType?: string; body?: unknown };
  response: { status: number; body: unknown };
}

export interface Received {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
  body?: unknown;
}

export interface ReplayServer {
  url: string;
  received: Received[];
  unexpected: string[];
  /** Recorded exchanges not served yet. */
  remaining(): number;
  close(): Promise<void>;
}

export function loadRecording(name: string): Exchange[] {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/kubernetes/${name}.json`, import.meta.url), 'utf8'),
  ) as Exchange[];
}

export async function replayKubernetesApi(exchanges: Exchange[]): Promise<ReplayServer> {
  let next = 0;
  let last: Exchange | undefined;
  const received: Received[] = [];
  const unexpected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const got: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(text ? { body: JSON.parse(text) } : {}),
      };
      received.push(got);
      const matches = (e: Exchange | undefined) =>
        e !== undefined &&
        e.request.method === got.method &&
        e.request.path === got.path &&
        (e.request.body === undefined || isDeepStrictEqual(e.request.body, got.body)) &&
        (e.request.contentType === undefined || e.request.contentType === got.contentType);
      let exchange: Exchange | undefined;
      if (matches(exchanges[next])) exchange = exchanges[next++];
      else if (got.method === 'GET' && matches(last)) exchange = last;
      if (!exchange) {
        const wanted = exchanges[next]?.request;
        unexpected.push(
          `${got.method} ${got.path} ${JSON.stringify(got.body ?? '')} (recorded next: ${JSON.stringify(wanted ?? 'nothing')})`,
        );
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"kind":"Status","status":"Failure","message":"not in the recording"}');
        return;
      }
      last = exchange;
      res
        .writeHead(exchange.response.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(exchange.response.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    unexpected,
    remaining: () => exchanges.length - next,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
