/**
 * Tracing off (the default) creates nothing and sends nothing; a collector that is down or hung
 * never fails or slows a request, is reported once, and never holds up a stop; sampling follows
 * the ratio for new traces and the caller's flag for continued ones.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../src/core/config/schema.js';
import type { ServeApp } from '../../../src/serve/index.js';
import { buildApp, call, createFixture, type Fixture, listen } from '../fixtures.js';
import { closedPortUrl, type OtlpReceiver, startBlackHole, startOtlpReceiver } from './otlp-receiver.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of opened.reverse()) await thing.close().catch(() => {});
  opened.length = 0;
});

interface Served {
  fixture: Fixture;
  serve: ServeApp;
  base: string;
  lines: Array<Record<string, unknown>>;
}

async function served(serve: ConfigInput['serve'] = {}): Promise<Served> {
  const fixture = await createFixture({ serve });
  opened.push(fixture);
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = await buildApp(fixture, { models: ['cost@prod'], logger });
  opened.push({ close: () => app.close() });
  return { fixture, serve: app, base: await listen(app), lines };
}

const traceparent = (traceId: string, sampled: boolean) =>
  `00-${traceId}-${randomBytes(8).toString('hex')}-${sampled ? '01' : '00'}`;

async function timedPredictions(base: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await call(base, '/api/v1/models/cost/predict', {
      body: { input: { cpu: i + 1, memory: 4, spot: 0 } },
      headers: { traceparent: traceparent(randomBytes(16).toString('hex'), true) },
    });
    times.push(performance.now() - started);
    expect(reply.status).toBe(200);
  }
  return times.sort((a, b) => a - b);
}

describe('tracing off (the default)', () => {
  it('creates no tracer, installs no hook and sends nothing, even with OTEL_ variables in the process', async () => {
    const receiver = await startOtlpReceiver();
    opened.push(receiver);
    // Fleetcast reads its environment through loadConfig (the fixtures pass none); an exporter
    // created by mistake would read this one itself and send to the receiver.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    try {
      const { fixture, serve, base, lines } = await served();
      expect(fixture.config.serve.tracing.endpoint).toBeUndefined();
      expect(serve.tracing).toBeUndefined();
      expect(serve.app.hasRequestDecorator('traceContext')).toBe(false);
      const reply = await call(base, '/api/v1/models/cost/predict', {
        body: { input: { cpu: 1, memory: 2, spot: 0 } },
        headers: { traceparent: traceparent(randomBytes(16).toString('hex'), true) },
      });
      expect(reply.status).toBe(200);
      const line = lines.find((entry) => entry.msg === 'request');
      expect(line).toBeDefined();
      expect(line).not.toHaveProperty('trace_id');
      await serve.close(); // would flush anything that had been made
      expect(receiver.requests).toEqual([]);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
  });
});

describe('a collector that is down', () => {
  it('costs no request anything, is reported once, and the stop stays bounded', async () => {
    // The exporter retries a refused connection until its timeout (10 s by default, read by the
    // exporter from the standard variable): shortened so the test does not wait for it.
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '500';
    const { serve, base, lines } = await served({ tracing: { otlp_endpoint: await closedPortUrl() } }).finally(() => {
      delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    });
    await timedPredictions(base, 5); // warm-up: first runs compile and load
    const times = await timedPredictions(base, 40);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(100);
    expect(times.at(-1)).toBeLessThan(1000);

    // Two export attempts, both refused: one warning, not one per attempt.
    await serve.tracing!.forceFlush();
    await timedPredictions(base, 2);
    await serve.tracing!.forceFlush();
    const warnings = lines.filter((line) => String(line.msg).startsWith('tracing: cannot export'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, endpoint: expect.stringContaining('/v1/traces') });

    const started = performance.now();
    await serve.close();
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('does not hold a stop when the collector accepts but never answers', async () => {
    const hole = await startBlackHole();
    opened.push(hole);
    const { serve, base, lines } = await served({ tracing: { otlp_endpoint: hole.url } });
    const times = await timedPredictions(base, 10);
    expect(times.at(-1)).toBeLessThan(1000);
    const started = performance.now();
    await serve.close(); // the exporter would wait 10 s for an answer; the stop gives it 2
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(1500);
    expect(took).toBeLessThan(4000);
    expect(lines.some((line) => line.msg === 'tracing: gave up exporting the last spans at shutdown')).toBe(true);
  });
});

describe('a collector that refuses exports for a while', () => {
  it('warns once, then says so when exports work again, and loses only the refused spans', async () => {
    const receiver = await startOtlpReceiver();
    opened.push(receiver);
    const { serve, base, lines } = await served({ tracing: { otlp_endpoint: receiver.url } });
    receiver.status = 400; // not retryable: each export fails at once
    await call(base, '/healthz');
    await serve.tracing!.forceFlush();
    await call(base, '/healthz');
    await serve.tracing!.forceFlush();
    receiver.status = 200;
    const traceId = randomBytes(16).toString('hex');
    await call(base, '/healthz', { headers: { traceparent: traceparent(traceId, true) } });
    await serve.tracing!.forceFlush();
    const tracingLines = lines.filter((line) => String(line.msg).startsWith('tracing: '));
    expect(tracingLines.map((line) => line.msg)).toEqual([
      'tracing: exporting spans over OTLP/HTTP',
      'tracing: cannot export spans to the collector; requests are not affected',
      'tracing: span export works again',
    ]);
    expect(tracingLines[1]).toMatchObject({ spans_lost: 1 });
    expect(receiver.spans().map((span) => span.traceId)).toEqual([traceId]);
  });
});

describe('sampling', () => {
  let receiver: OtlpReceiver;

  it('keeps no new trace at ratio 0, yet follows a caller that sampled its trace', async () => {
    receiver = await startOtlpReceiver();
    opened.push(receiver);
    const { serve, base, lines } = await served({ tracing: { otlp_endpoint: receiver.url, sample_ratio: 0 } });
    const kept = randomBytes(16).toString('hex');
    const dropped = randomBytes(16).toString('hex');
    await call(base, '/healthz');
    await call(base, '/healthz', { headers: { traceparent: traceparent(kept, true) } });
    await call(base, '/healthz', { headers: { traceparent: traceparent(dropped, false) } });
    await serve.tracing!.forceFlush();
    const spans = receiver.spans();
    expect(spans.map((span) => span.traceId)).toEqual([kept]);
    // Unsampled requests still name their trace in the log: the caller's id joins its own logs.
    expect(lines.filter((line) => line.msg === 'request').map((line) => line.trace_id)).toContain(dropped);
  });
});
