/**
 * Typed parameter values. JavaScript has one number type, but the parameter-set id scheme (and the
 * simulations behind it) tell `1` from `1.0`, so every value carries its type explicitly.
 */
import { ContractViolationError, isWellFormedText } from './errors.js';

export type ParamType = 'int' | 'float' | 'bool' | 'string';

export type ParamValue =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string };

/** A parameter set: names to typed values. Frozen once built by `paramSet`. */
export type ParamSet = Readonly<Record<string, ParamValue>>;

/** A parameter set as plain JS values, for objectives and simulations. */
export type PlainParams = Readonly<Record<string, number | boolean | string>>;

function intValue(value: number): ParamValue {
  // Beyond 2^53 a JS number cannot hold every integer, so ids would silently collide.
  if (!Number.isSafeInteger(value))
    throw new ContractViolationError(`int parameter must be a safe integer, got ${value}`);
  // -0 is not an integer distinct from 0 in Python; store it as 0.
  return Object.freeze({ type: 'int', value: value === 0 ? 0 : value });
}

function floatValue(value: number): ParamValue {
  if (!Number.isFinite(value)) throw new ContractViolationError(`float parameter must be finite, got ${value}`);
  return Object.freeze({ type: 'float', value });
}

function boolValue(value: boolean): ParamValue {
  return Object.freeze({ type: 'bool', value });
}

function stringValue(value: string): ParamValue {
  // A lone surrogate cannot be encoded as UTF-8, so it has no canonical encoding.
  if (!isWellFormedText(value)) throw new ContractViolationError('string parameter contains a lone UTF-16 surrogate');
  return Object.freeze({ type: 'string', value });
}

/** Constructors for typed values: `Param.int(3)`, `Param.float(0.5)`, `Param.bool(true)`, `Param.string('a')`. */
export const Param = Object.freeze({ int: intValue, float: floatValue, bool: boolValue, string: stringValue });

/** Validates and freezes a parameter set. */
export function paramSet(values: Readonly<Record<string, ParamValue>>): ParamSet {
  const out: Record<string, ParamValue> = {};
  for (const [name, v] of Object.entries(values)) {
    if (name.length === 0) throw new ContractViolationError('parameter names must not be empty');
    if (!isWellFormedText(name)) throw new ContractViolationError('parameter name contains a lone UTF-16 surrogate');
    out[name] = typedValue(v.type, v.value);
  }
  return Object.freeze(out);
}

/** Builds a typed value of a declared type from a plain value, checking that they agree. */
export function typedValue(type: ParamType, value: unknown): ParamValue {
  switch (type) {
    case 'int':
      if (typeof value !== 'number')
        throw new ContractViolationError(`int parameter must be a number, got ${typeof value}`);
      return intValue(value);
    case 'float':
      if (typeof value !== 'number')
        throw new ContractViolationError(`float parameter must be a number, got ${typeof value}`);
      return floatValue(value);
    case 'bool':
      if (typeof value !== 'boolean')
        throw new ContractViolationError(`bool parameter must be a boolean, got ${typeof value}`);
      return boolValue(value);
    case 'string':
      if (typeof value !== 'string')
        throw new ContractViolationError(`string parameter must be a string, got ${typeof value}`);
      return stringValue(value);
    default:
      throw new ContractViolationError(`unknown parameter type ${String(type)}`);
  }
}

/** Plain JS view of a parameter set (types are dropped; ints and floats both become numbers). */
export function toPlain(params: ParamSet): PlainParams {
  const out: Record<string, number | boolean | string> = {};
  for (const [name, v] of Object.entries(params)) out[name] = v.value;
  return out;
}

/**
 * Typed parameter set from plain values and declared types. Every name needs a type: guessing
 * int-or-float from a JS number would change ids depending on the value (2.0 vs 2.5).
 */
export function fromPlain(values: PlainParams, types: Readonly<Record<string, ParamType>>): ParamSet {
  const out: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = types[name];
    if (type === undefined) throw new ContractViolationError(`no type declared for parameter "${name}"`);
    out[name] = typedValue(type, value);
  }
  return paramSet(out);
}
