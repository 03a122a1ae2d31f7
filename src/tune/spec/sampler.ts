/** The `sampler:` entry shared by calibration and tuning specs: a name, or a name with settings. */
import { z } from 'zod';
import { SAMPLER_NAMES } from '../study/index.js';

export const SamplerEntrySchema = z.union([
  z.enum(SAMPLER_NAMES),
  z.strictObject({
    name: z.enum(SAMPLER_NAMES),
    popsize: z.number().int().min(2).max(1000).optional(),
    sigma0: z.number().positive().max(1).optional(),
  }),
]);
export type SamplerEntry = z.infer<typeof SamplerEntrySchema>;

export function samplerParts(entry: SamplerEntry): {
  name: (typeof SAMPLER_NAMES)[number];
  settings?: { popsize?: number; sigma0?: number };
} {
  if (typeof entry === 'string') return { name: entry };
  const { name, ...settings } = entry;
  return Object.keys(settings).length === 0 ? { name } : { name, settings };
}

/** A 64-bit unsigned seed, as a YAML number or a decimal string. */
export const SeedSchema = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,20}$/)])
  .refine((v) => BigInt(v) < 2n ** 64n, 'a 64-bit unsigned integer')
  .transform((v) => BigInt(v));

/** Study names: what `--study` accepts. */
export const StudyNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'letters, digits, . _ -');
