/**
 * The load generator of the serving benchmarks, run as a SECOND PROCESS (forked, with an IPC
 * channel) so the server's CPU time and the client's are not the same event loop. It keeps one
 * pool of keep-alive connections per server for its life and answers each `run` message with the latencies it measured.
 * Node built-ins only, so it starts fast; requests go through connection.ts's lean HTTP/1.1 client.
 *
 * Closed loop (`concurrency` clients, each sending its next request when the last answered) or open
 * loop (`rate` requests per second on a fixed schedule, at most `concurrency` outstanding; a request
 * that would exceed that is counted as shed, an error). In the open loop a request's latency counts
 * from when the schedule made it due, its wait for a socket and any lag of this process included:
 * a server that stalls is charged for the requests that queued behind the stall too.
 */
import { LoadConnection, postHead } from './connection.js';

export interface LoadSpec {
  url: string;
  /** Request bodies (JSON text), used in turn. */
  bodies: string[];
  headers?: Record<string, string>;
  concurrency: number;
  /** Connections kept to the server (default: `concurrency`); more requests wait in the client. */
  sockets?: number;
  durationMs: number;
  /** Open loop: requests per second. Absent: closed loop. */
  rate?: number;
  /** Sent first and not measured. */
  warmupMs?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  shed: number;
  statuses: Record<string, number>;
  durationMs: number;
  throughput: number;
  /** CPU this process spent per request answered (it shares the machine with the server). */
  generatorCpuMsPerRequest: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Keep-alive connections to one server, lent one request at a time; requests wait in turn. */
export class ConnectionPool {
  readonly #idle: LoadConnection[] = [];
  readonly #all: LoadConnection[] = [];
  readonly #queue: ((connection: LoadConnection) => void)[] = [];

  constructor(url: URL, size: number) {
    for (let i = 0; i < size; i++) this.#all.push(new LoadConnection(url.hostname, Number(url.port || 80)));
    this.#idle.push(...this.#all);
  }

  async send(head: Buffer, body: Buffer): Promise<number> {
    const connection = this.#idle.pop() ?? (await new Promise<LoadConnection>((r) => this.#queue.push(r)));
    try {
      return await connection.send(head, body);
    } finally {
      const waiting = this.#queue.shift();
      if (waiting) waiting(connection);
      else this.#idle.push(connection);
    }
  }

  close(): void {
    for (const connection of this.#all) connection.close();
  }
}

export async function runLoad(spec: LoadSpec, pool?: ConnectionPool) {
  const url = new URL(spec.url);
  const connections = pool ?? new ConnectionPool(url, spec.sockets ?? spec.concurrency);
  const requests = spec.bodies.map((text) => {
    const body = Buffer.from(text, 'utf8');
    return { head: postHead(url, body.length, spec.headers), body };
  });
  let next = 0;
  /** `due`: when the schedule wanted it sent (open loop); latency counts from then. */
  const send = async (due = performance.now()): Promise<{ status: number; ms: number }> => {
    const { head, body } = requests[next++ % requests.length]!;
    const status = await connections.send(head, body);
    return { status, ms: performance.now() - due };
  };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let shed = 0;
  let recording = false;
  const record = ({ status, ms }: { status: number; ms: number }) => {
    if (!recording) return;
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  };

  const phase = async (ms: number) => {
    const end = performance.now() + ms;
    if (spec.rate === undefined) {
      await Promise.all(
        Array.from({ length: spec.concurrency }, async () => {
          while (performance.now() < end) record(await send());
        }),
      );
      return;
    }
    const rate = spec.rate;
    const start = performance.now();
    let sent = 0;
    let outstanding = 0;
    const pending = new Set<Promise<void>>();
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; sent < due; sent++) {
        if (outstanding >= spec.concurrency) {
          if (recording) shed++;
          continue;
        }
        outstanding++;
        const p = send(start + (sent / rate) * 1000).then((r) => {
          outstanding--;
          record(r);
          pending.delete(p);
        });
        pending.add(p);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all([...pending]);
  };

  if (spec.warmupMs) await phase(spec.warmupMs);
  recording = true;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await phase(spec.durationMs);
  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  if (!pool) connections.close();
  const sorted = Float64Array.from(latencies).sort();
  const ok = statuses['200'] ?? 0;
  const result: LoadResult = {
    requests: latencies.length,
    errors: latencies.length - ok + shed,
    shed,
    statuses,
    durationMs,
    throughput: (ok / durationMs) * 1000,
    generatorCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    },
  };
  return result;
}

// Forked: answer `run` messages until told to stop (or the parent goes away).
if (process.send && process.argv.includes('--fleetcast-loader')) {
  const pools = new Map<string, ConnectionPool>();
  process.on('message', (message: { type: 'run'; id: number; spec: LoadSpec } | { type: 'stop' }) => {
    if (message.type === 'stop') {
      for (const pool of pools.values()) pool.close();
      process.disconnect();
      return;
    }
    const sockets = message.spec.sockets ?? message.spec.concurrency;
    const key = `${message.spec.url}|${sockets}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new ConnectionPool(new URL(message.spec.url), sockets);
      pools.set(key, pool);
    }
    runLoad(message.spec, pool).then(
      (result) => process.send!({ type: 'result', id: message.id, result }),
      (error: unknown) => process.send!({ type: 'error', id: message.id, error: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
