import { FleetcastError } from '../core/errors.js';

/** Parses a flag that must be a positive number (or integer), with the one error format of the CLI. */
export function positiveNumber(
  flag: string,
  raw: string,
  options: { integer?: boolean; example?: string } = {},
): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (options.integer && !Number.isInteger(value))) {
    throw new FleetcastError(
      'FLEETCAST_USAGE',
      `${flag} "${raw}" is not a positive ${options.integer ? 'integer' : 'number'}`,
      {
        hint: `e.g. ${flag} ${options.example ?? (options.integer ? '4' : '0.5')}`,
      },
    );
  }
  return value;
}

export const positiveInteger = (flag: string, raw: string, example?: string): number =>
  positiveNumber(flag, raw, { integer: true, ...(example ? { example } : {}) });
