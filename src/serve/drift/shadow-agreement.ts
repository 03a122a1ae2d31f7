/**
 * Shadow deployment: a second model version answers the same requests as the primary, its answers
 * are discarded, and how often the two agree is the evidence for promoting it. Agreement is
 * measured over a rolling window of the last `windowSize` comparisons, so the rate follows the
 * traffic of today rather than of the first hour.
 */
import { FleetcastError } from '../../core/errors.js';

export interface AgreementTolerance {
  /** Numbers agree within this fraction of the larger magnitude (default 0.01, i.e. 1%). */
  relativeTolerance?: number;
  /** …or within this absolute difference, for values near zero (default 1e-9). */
  absoluteTolerance?: number;
}

export interface ShadowAgreementOptions extends AgreementTolerance {
  /** Comparisons in the rolling window (default 1000). */
  windowSize?: number;
}

export interface ShadowAgreementSnapshot {
  /** Share of agreeing comparisons in the window; null before the first. */
  rate: number | null;
  /** Comparisons in the window. */
  window_n: number;
  /** Comparisons recorded since the start (or the last reset). */
  compared: number;
  /** Agreeing comparisons since the start (or the last reset). */
  agreed: number;
}

/**
 * Whether two outputs agree: objects with a string `label` agree when the labels are equal (a
 * score is a confidence, not the answer); numbers within tolerance; strings, booleans and null
 * when equal; arrays element by element; other objects field by field with the same fields.
 */
export function outputsAgree(primary: unknown, shadow: unknown, tolerance: AgreementTolerance = {}): boolean {
  const relative = tolerance.relativeTolerance ?? 0.01;
  const absolute = tolerance.absoluteTolerance ?? 1e-9;
  const agree = (a: unknown, b: unknown): boolean => {
    if (typeof a === 'number' && typeof b === 'number') {
      if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
      if (a === b) return true;
      return Math.abs(a - b) <= Math.max(absolute, relative * Math.max(Math.abs(a), Math.abs(b)));
    }
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => agree(x, b[i]));
    }
    if (isRecord(a) && isRecord(b)) {
      if (typeof a.label === 'string' || typeof b.label === 'string') return a.label === b.label;
      const keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every((key) => key in b && agree(a[key], b[key]));
    }
    return a === b;
  };
  return agree(primary, shadow);
}

export class ShadowAgreement {
  private readonly window: boolean[] = [];
  private next = 0;
  private agreedInWindow = 0;
  private compared = 0;
  private agreed = 0;
  private readonly windowSize: number;

  constructor(private readonly options: ShadowAgreementOptions = {}) {
    this.windowSize = options.windowSize ?? 1000;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `windowSize must be an integer ≥ 1, got ${this.windowSize}`,
      );
    }
    for (const name of ['relativeTolerance', 'absoluteTolerance'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name} must be a number ≥ 0, got ${value}`);
      }
    }
  }

  /** Compares one pair of outputs and returns the agreement rate over the window. */
  record(primaryOutput: unknown, shadowOutput: unknown): number {
    const agrees = outputsAgree(primaryOutput, shadowOutput, this.options);
    if (this.window.length < this.windowSize) {
      this.window.push(agrees);
    } else {
      if (this.window[this.next]) this.agreedInWindow -= 1;
      this.window[this.next] = agrees;
    }
    this.next = (this.next + 1) % this.windowSize;
    if (agrees) {
      this.agreedInWindow += 1;
      this.agreed += 1;
    }
    this.compared += 1;
    return this.agreedInWindow / this.window.length;
  }

  /** Agreement over the window, or null before the first comparison. */
  get rate(): number | null {
    return this.window.length === 0 ? null : this.agreedInWindow / this.window.length;
  }

  snapshot(): ShadowAgreementSnapshot {
    return { rate: this.rate, window_n: this.window.length, compared: this.compared, agreed: this.agreed };
  }

  reset(): void {
    this.window.length = 0;
    this.next = 0;
    this.agreedInWindow = 0;
    this.compared = 0;
    this.agreed = 0;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
