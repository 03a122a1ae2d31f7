/**
 * A sampler described by data (name and seed) rather than by an object, so a stored study can
 * rebuild its sampler after a restart and the CLI can name one with a flag.
 */
import { FleetcastError } from '../../core/errors.js';
import { CmaEsSampler, RandomSampler, type Sampler, SobolSampler, TpeSampler } from '../samplers/index.js';

export const SAMPLER_NAMES = ['tpe', 'random', 'sobol', 'cmaes'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Settings of a sampler beyond its seed (CMA-ES only, today); stored with the spec. */
export interface SamplerSettings {
  /** CMA-ES population size λ (default 4 + ⌊3 ln n⌋). */
  readonly popsize?: number;
  /** CMA-ES initial step in unit-cube coordinates (default 1/6). */
  readonly sigma0?: number;
}

export interface SamplerSpec {
  readonly name: SamplerName;
  /** 64-bit seed as a decimal string: JSON numbers cannot hold every 64-bit value. */
  readonly seed: string;
  readonly settings?: SamplerSettings;
}

export function isSamplerName(value: string): value is SamplerName {
  return (SAMPLER_NAMES as readonly string[]).includes(value);
}

export function samplerSpec(name: string, seed: bigint | number, settings?: SamplerSettings): SamplerSpec {
  if (!isSamplerName(name)) throw unknownSampler(name);
  const kept = settings === undefined ? undefined : checkSettings(name, settings);
  return { name, seed: BigInt(seed).toString(), ...(kept === undefined ? {} : { settings: kept }) };
}

function checkSettings(name: SamplerName, settings: SamplerSettings): SamplerSettings | undefined {
  const { popsize, sigma0 } = settings;
  if (popsize === undefined && sigma0 === undefined) return undefined;
  if (name !== 'cmaes') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `popsize and sigma0 are CMA-ES settings, not ${name}'s`, {
      hint: 'drop them, or use the cmaes sampler',
    });
  }
  if (popsize !== undefined && !(Number.isInteger(popsize) && popsize >= 2 && popsize <= 1000)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `CMA-ES popsize must be an integer in 2..1000, got ${popsize}`,
      {
        hint: 'e.g. popsize: 8',
      },
    );
  }
  if (sigma0 !== undefined && !(sigma0 > 0 && sigma0 <= 1)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `CMA-ES sigma0 must be in (0, 1], got ${sigma0}`, {
      hint: 'the initial step in unit-cube coordinates, e.g. 0.2',
    });
  }
  return { ...(popsize === undefined ? {} : { popsize }), ...(sigma0 === undefined ? {} : { sigma0 }) };
}

export function createSampler(spec: SamplerSpec): Sampler {
  const seed = BigInt(spec.seed);
  switch (spec.name) {
    case 'tpe':
      return new TpeSampler({ seed });
    case 'random':
      return new RandomSampler({ seed });
    case 'sobol':
      return new SobolSampler({ seed });
    case 'cmaes':
      return new CmaEsSampler({ seed, ...spec.settings });
    default:
      throw unknownSampler(String((spec as { name: unknown }).name));
  }
}

function unknownSampler(name: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown sampler "${name}"`, {
    hint: `choose one of ${SAMPLER_NAMES.join(', ')}`,
  });
}

/** Parses a stored spec, failing clearly on a row written by something else. */
export function parseSamplerSpec(text: string): SamplerSpec {
  const parsed = JSON.parse(text) as { name?: unknown; seed?: unknown; settings?: SamplerSettings };
  if (typeof parsed.name !== 'string' || typeof parsed.seed !== 'string' || !/^-?\d+$/.test(parsed.seed)) {
    throw new FleetcastError('FLEETCAST_BACKEND_ERROR', `stored sampler spec ${text} is not {name, seed}`, {
      hint: 'the studies table holds a row this version cannot read',
    });
  }
  return samplerSpec(parsed.name, BigInt(parsed.seed), parsed.settings);
}

export function isSampler(value: Sampler | SamplerSpec): value is Sampler {
  return typeof (value as Sampler).sample === 'function';
}

/** The sampler of a study being opened: the one given, else one rebuilt from the stored spec. */
export function resolveSampler(study: string, stored: string, given: Sampler | SamplerSpec | undefined): Sampler {
  const spec = JSON.parse(stored) as { name?: string; seed?: string; settings?: SamplerSettings };
  if (given !== undefined && isSampler(given)) return given;
  if (given !== undefined) {
    if (spec.seed !== undefined && (spec.name !== given.name || spec.seed !== given.seed)) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `study "${study}" was created with sampler ${spec.name} seed ${spec.seed}, not ${given.name} seed ${given.seed}`,
        { hint: 'resume with the sampler it was created with, or use a new study name', details: { study } },
      );
    }
    if (spec.seed !== undefined && JSON.stringify(spec.settings ?? {}) !== JSON.stringify(given.settings ?? {})) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `study "${study}" was created with sampler settings ${JSON.stringify(spec.settings ?? {})}, not ${JSON.stringify(given.settings ?? {})}`,
        { hint: 'resume with the settings it was created with, or use a new study name', details: { study } },
      );
    }
    return createSampler(given);
  }
  if (spec.name === undefined || spec.seed === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `study "${study}" stored no sampler seed to rebuild from`, {
      hint: 'pass the sampler the study was created with',
      details: { study },
    });
  }
  return createSampler(samplerSpec(spec.name, BigInt(spec.seed), spec.settings));
}
