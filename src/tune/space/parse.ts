/**
 * Parsing a search space from a plain object: what a YAML or JSON spec holds, e.g.
 *
 *   beta:  { type: float, low: 0.1, high: 2.0, log: true }
 *   depth: { type: int, low: 2, high: 12, step: 2 }
 *   kind:  { type: categorical, choices: [gbm, linear] }
 *   n:     { type: fixed, value: 1000 }
 *   p:     { type: float, low: 0.01, high: 0.99, transform: logit }   # domain (0, 1) unless given
 *
 * `transform: log` is `log: true`; `transform: logit` samples on the logit scale of `domain`.
 * Numbers in choices and fixed values are typed int when whole and float otherwise, unless
 * `valueType` says which (YAML turns `1.0` into 1, so a float choice of 1.0 needs `valueType: float`).
 */
import { z } from 'zod';
import { type ParamValue, typedValue } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { categoricalParam, fixedParam, floatParam, intParam, searchSpace } from './define.js';
import type { Distribution, SearchSpace } from './types.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const valueType = z.enum(['int', 'float']).optional();

const paramSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('float'),
    low: z.number(),
    high: z.number(),
    log: z.boolean().optional(),
    step: z.number().positive().optional(),
    transform: z.enum(['none', 'log', 'logit']).optional(),
    domain: z.tuple([z.number(), z.number()]).optional(),
  }),
  z.strictObject({
    type: z.literal('int'),
    low: z.number().int(),
    high: z.number().int(),
    log: z.boolean().optional(),
    step: z.number().int().positive().optional(),
  }),
  z.strictObject({ type: z.literal('categorical'), choices: z.array(scalar).min(1), valueType }),
  z.strictObject({ type: z.literal('fixed'), value: scalar, valueType }),
]);

const spaceSchema = z.record(z.string().min(1), paramSchema);

export type SearchSpaceSpec = z.input<typeof spaceSchema>;

function toValue(raw: string | number | boolean, numberType: 'int' | 'float' | undefined): ParamValue {
  if (typeof raw === 'boolean') return typedValue('bool', raw);
  if (typeof raw === 'string') return typedValue('string', raw);
  return typedValue(numberType ?? (Number.isSafeInteger(raw) ? 'int' : 'float'), raw);
}

/** Validates a plain-object spec and builds the search space; errors name the offending path. */
export function parseSearchSpace(spec: unknown): SearchSpace {
  const parsed = spaceSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `search space ${path}: ${issue.message}`, {
      hint: 'each parameter needs type float|int (low, high, optional log/step), categorical (choices) or fixed (value)',
      details: { path, issues: parsed.error.issues.length },
    });
  }
  const params: Record<string, Distribution> = {};
  for (const [name, p] of Object.entries(parsed.data)) {
    try {
      switch (p.type) {
        case 'float':
          if (p.domain !== undefined && p.transform !== 'logit') {
            throw new FleetcastError(
              'FLEETCAST_INVALID_ARGUMENT',
              `search space ${name}.domain: needs transform: logit`,
              {
                hint: 'domain is the open interval of the logit transform',
                details: { path: `${name}.domain` },
              },
            );
          }
          params[name] = floatParam(name, p.low, p.high, {
            log: (p.log ?? false) || p.transform === 'log',
            ...(p.step === undefined ? {} : { step: p.step }),
            ...(p.transform === 'logit' ? { logit: p.domain ?? [0, 1] } : {}),
          });
          break;
        case 'int':
          params[name] = intParam(name, p.low, p.high, { log: p.log ?? false, step: p.step ?? 1 });
          break;
        case 'categorical':
          params[name] = categoricalParam(
            name,
            p.choices.map((c) => toValue(c, p.valueType)),
          );
          break;
        case 'fixed':
          params[name] = fixedParam(toValue(p.value, p.valueType));
          break;
      }
    } catch (error) {
      if (error instanceof FleetcastError) throw error;
      // A contract violation (e.g. valueType int with 1.5) becomes an argument error on this path.
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `search space ${name}: ${(error as Error).message}`, {
        hint: 'make the value agree with valueType',
        details: { path: name },
      });
    }
  }
  return searchSpace(params);
}
