import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, newRunId } from '../../src/core/logging.js';
import { createProgress, formatSeconds } from '../../src/core/progress.js';

function capture(tty: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 100 });
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

describe('progress', () => {
  it('prints plain lines off a terminal, throttled, plus the final line', () => {
    const out = capture(false);
    let now = 0;
    const progress = createProgress({
      label: 'work',
      total: 10,
      stream: out.stream,
      plainEveryMs: 1000,
      now: () => now,
    });
    for (let i = 0; i < 10; i++) {
      now += 300;
      progress.tick();
    }
    progress.done('finished');
    const lines = out.text().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.at(-1)).toMatch(/^work: 10\/10 100% 3\.0s elapsed finished$/);
    expect(out.text()).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal', () => {
    const out = capture(true);
    let now = 0;
    const progress = createProgress({ label: 'bench', total: 4, stream: out.stream, now: () => now });
    now = 1000;
    progress.update(2, 'half');
    progress.done();
    expect(out.text()).toContain('\r\x1b[2Kbench');
    expect(out.text()).toContain('2/4 50%');
    expect(out.text()).toContain('~1.0s left');
    expect(out.text().endsWith('\n')).toBe(true);
  });

  it('formats durations for people', () => {
    expect(formatSeconds(3.21)).toBe('3.2s');
    expect(formatSeconds(75)).toBe('1m15s');
    expect(formatSeconds(7300)).toBe('2h1m');
  });
});

describe('logging', () => {
  it('writes JSON lines carrying the run id and masking secrets', () => {
    const out = capture(false);
    const log = createLogger({ level: 'info', format: 'auto', profile: 'local', stream: out.stream, runId: 'run-1' });
    log.info({ password: 'hunter2', apiKeys: ['k'] }, 'hello');
    log.child({ step: 2 }).warn('again');
    log.debug('hidden');
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.runId === 'run-1')).toBe(true);
    expect(lines[0].password).toBe('***');
    expect(out.text()).not.toContain('hunter2');
  });

  it('writes pretty lines on a terminal, JSON in production even there', () => {
    const tty = capture(true);
    createLogger({ level: 'info', format: 'auto', profile: 'local', stream: tty.stream }).info('pretty');
    expect(tty.text()).toContain('pretty');
    expect(() => JSON.parse(tty.text())).toThrow();
    const prod = capture(true);
    createLogger({ level: 'info', format: 'auto', profile: 'production', stream: prod.stream }).info('machine');
    expect(JSON.parse(prod.text()).msg).toBe('machine');
  });

  it('makes unique run ids that sort by creation', () => {
    const ids = Array.from({ length: 1000 }, () => newRunId());
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });
});
