import { FleetcastError } from '../core/errors.js';

/** The environments of the promotion path; any other alias (`champion`, …) is free-form. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,49}$/;

/** How a caller names one model version: by number, by alias, or the latest. */
export type ModelReference =
  | { name: string; version: number }
  | { name: string; alias: string }
  | { name: string; latest: true };

export function assertModelName(name: string): string {
  if (!NAME.test(name)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `model name "${name}" is not valid`, {
      hint: 'use lower-case letters, digits, ".", "_" and "-", starting with a letter or digit (at most 100)',
    });
  }
  return name;
}

export function assertAlias(alias: string): string {
  if (!ALIAS.test(alias) || alias === 'latest') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `alias "${alias}" is not valid`, {
      hint: 'use dev, staging, prod or a lower-case word such as champion ("latest" is reserved)',
    });
  }
  return alias;
}

export function assertVersion(raw: string | number): number {
  const version = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `model version "${raw}" is not a positive integer`, {
      hint: 'versions are numbered 1, 2, 3, …',
    });
  }
  return version;
}

/** Parses `NAME`, `NAME:3`, `NAME@prod` (and `NAME@latest`). */
export function parseModelReference(text: string): ModelReference {
  const at = text.indexOf('@');
  const colon = text.indexOf(':');
  if (at >= 0 && colon >= 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `model reference "${text}" has both @ and :`, {
      hint: 'write NAME@ALIAS or NAME:VERSION',
    });
  }
  if (at >= 0) {
    const name = assertModelName(text.slice(0, at));
    const alias = text.slice(at + 1);
    return alias === 'latest' ? { name, latest: true } : { name, alias: assertAlias(alias) };
  }
  if (colon >= 0) return { name: assertModelName(text.slice(0, colon)), version: assertVersion(text.slice(colon + 1)) };
  return { name: assertModelName(text), latest: true };
}

export function formatReference(reference: ModelReference): string {
  if ('version' in reference) return `${reference.name}:${reference.version}`;
  if ('alias' in reference) return `${reference.name}@${reference.alias}`;
  return `${reference.name}@latest`;
}
