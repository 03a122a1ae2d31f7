/**
 * Progress for long work, on stderr. On a terminal: one bar redrawn in place. Elsewhere (CI logs,
 * pipes): a plain line at most every `plainEveryMs`, plus the last one, so logs stay readable.
 */
export interface Progress {
  tick(delta?: number, detail?: string): void;
  update(done: number, detail?: string): void;
  done(detail?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  plainEveryMs?: number;
  /** Replaces the clock in tests. */
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = Boolean(stream.isTTY);
  const every = options.plainEveryMs ?? 5_000;
  const started = now();
  let done = 0;
  let lastPrinted = Number.NEGATIVE_INFINITY;
  let finished = false;

  const render = (detail: string | undefined, final: boolean): void => {
    const total = Math.max(options.total, 0);
    const fraction = total === 0 ? 1 : Math.min(done / total, 1);
    const elapsed = (now() - started) / 1000;
    const eta = fraction > 0 && fraction < 1 ? (elapsed / fraction) * (1 - fraction) : 0;
    const numbers = `${done}/${total} ${(fraction * 100).toFixed(0)}% ${formatSeconds(elapsed)} elapsed${
      final ? '' : `, ~${formatSeconds(eta)} left`
    }`;
    const suffix = detail ? ` ${detail}` : '';
    if (tty) {
      const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
      const filled = Math.round(fraction * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(`\r\x1b[2K${options.label} ${bar} ${numbers}${suffix}${final ? '\n' : ''}`);
    } else {
      stream.write(`${options.label}: ${numbers}${suffix}\n`);
    }
  };

  const maybeRender = (detail?: string): void => {
    if (finished) return;
    const t = now();
    if (tty || t - lastPrinted >= every) {
      lastPrinted = t;
      render(detail, false);
    }
  };

  return {
    tick(delta = 1, detail) {
      done += delta;
      maybeRender(detail);
    },
    update(value, detail) {
      done = value;
      maybeRender(detail);
    },
    done(detail) {
      if (finished) return;
      finished = true;
      done = Math.max(done, options.total);
      render(detail, true);
    },
  };
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${Math.round(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
