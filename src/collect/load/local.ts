/**
 * The local load controller: N concurrent users in this process, each in a closed loop — send a
 * request, wait for the whole answer, think, repeat — against a list of URLs, round-robin. This is
 * the load model the closed-loop law N = X·(R + Z) describes.
 */
import { performance } from 'node:perf_hooks';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { sleep } from '../durations.js';
import type { ClientStats, LoadController, LoadLevel } from './types.js';

export interface LocalControllerOptions {
  urls: string[];
  /** Mean think time between a user's answer and its next request, seconds. */
  thinkTime: number;
  /** `constant` (every pause is the mean) or `exponential` (memoryless, same mean). */
  thinkDistribution?: 'constant' | 'exponential';
  /** Per request, milliseconds (default 10 s). */
  requestTimeoutMs?: number;
}

interface User {
  stopped: boolean;
  finished: boolean;
  done: Promise<void>;
}

export class LocalLoadController implements LoadController {
  readonly kind = 'local' as const;
  private readonly users: User[] = [];
  private next = 0;
  private stats = LocalLoadController.emptyStats();

  private static emptyStats() {
    return { requests: 0, errors: 0, answeredSeconds: 0, lastError: undefined as string | undefined };
  }

  constructor(private readonly options: LocalControllerOptions) {
    if (options.urls.length === 0) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'controller.urls is empty', {
        hint: 'list at least one URL to send load to',
      });
    }
    for (const url of options.urls) {
      if (!/^https?:\/\//.test(url)) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `controller.urls: "${url}" is not an http(s) URL`, {
          hint: 'e.g. http://127.0.0.1:8080/',
        });
      }
    }
  }

  /** Sends one request to each URL, so a wrong URL stops the run before any level starts. */
  async prepare(signal?: AbortSignal): Promise<void> {
    for (const url of this.options.urls) {
      try {
        const response = await fetch(url, { signal: this.requestSignal(signal) });
        await response.arrayBuffer();
        if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        throw new FleetcastError(
          'FLEETCAST_BACKEND_UNREACHABLE',
          `load target ${url} does not answer: ${errorMessage(cause ?? error)}`,
          { hint: 'check controller.urls and that the service runs' },
        );
      }
    }
  }

  async apply(level: LoadLevel, _timeoutMs: number): Promise<void> {
    if (level.replicas && Object.keys(level.replicas).length > 0) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'the local controller cannot change replicas', {
        hint: 'drop replicas from the levels, or use controller kind: kubernetes',
      });
    }
    const active = this.users.filter((u) => !u.stopped);
    for (let i = active.length; i < level.users; i++) {
      // New users start spread over one think time, so a step up is not one burst.
      this.users.push(this.startUser(Math.random() * this.options.thinkTime));
    }
    for (const user of active.slice(level.users)) user.stopped = true;
    this.prune();
  }

  async restore(): Promise<void> {
    for (const user of this.users) user.stopped = true;
    await Promise.all(this.users.map((u) => u.done));
    this.users.length = 0;
  }

  takeStats(): ClientStats {
    const { requests, errors, answeredSeconds, lastError } = this.stats;
    this.stats = LocalLoadController.emptyStats();
    const answered = requests - errors;
    return {
      requests,
      errors,
      meanResponseTime: answered > 0 ? answeredSeconds / answered : Number.NaN,
      ...(lastError ? { lastError } : {}),
    };
  }

  /** Users currently running (not told to stop). */
  get activeUsers(): number {
    return this.users.filter((u) => !u.stopped).length;
  }

  /** Forgets users whose loop has ended. */
  private prune(): void {
    for (let i = this.users.length - 1; i >= 0; i--) if (this.users[i]!.finished) this.users.splice(i, 1);
  }

  private requestSignal(outer?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000);
    return outer ? AbortSignal.any([outer, timeout]) : timeout;
  }

  private think(): number {
    const mean = this.options.thinkTime;
    if (this.options.thinkDistribution === 'exponential') return -Math.log(1 - Math.random()) * mean;
    return mean;
  }

  private startUser(delaySeconds: number): User {
    const user: User = { stopped: false, finished: false, done: Promise.resolve() };
    // Timers fire late on a busy machine; a late pause is made up on the next one, so that each
    // user's think time averages the configured mean, as the closed-loop model assumes.
    let lateMs = 0;
    const loop = async () => {
      await sleep(delaySeconds * 1000);
      while (!user.stopped) {
        const url = this.options.urls[this.next++ % this.options.urls.length]!;
        const started = performance.now();
        try {
          const response = await fetch(url, { signal: this.requestSignal() });
          await response.arrayBuffer();
          if (response.status >= 400) throw new Error(`HTTP ${response.status} from ${url}`);
          this.stats.answeredSeconds += (performance.now() - started) / 1000;
          this.stats.requests++;
        } catch (error) {
          this.stats.requests++;
          this.stats.errors++;
          this.stats.lastError = errorMessage((error as { cause?: unknown }).cause ?? error);
        }
        if (user.stopped) break;
        const planned = this.think() * 1000;
        const pause = Math.max(0, planned - lateMs);
        const before = performance.now();
        await sleep(pause);
        lateMs = Math.max(0, lateMs + (performance.now() - before) - planned);
      }
    };
    user.done = loop().finally(() => {
      user.finished = true;
    });
    return user;
  }
}
