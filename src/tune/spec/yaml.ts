/**
 * Reading a spec file (YAML or JSON) and validating it with a zod schema. Every problem is one
 * FleetcastError naming the file and the path inside it (`targets.1.join: …`), so a user can go
 * straight to the line.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { errorMessage, FleetcastError } from '../../core/errors.js';

export function readSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `cannot read the spec ${path}: ${errorMessage(error)}`, {
      hint: 'check the --spec path',
    });
  }
  try {
    return parse(text);
  } catch (error) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${path} is not valid YAML: ${errorMessage(error)}`, {
      hint: 'fix the YAML syntax (indentation, colons, quotes)',
    });
  }
}

/** Validates `value` against `schema`; the first issue becomes the error, with its path. */
export function validateSpec<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  hint: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(root)';
  throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${path}: ${issue.message}`, {
    hint,
    details: { path, issues: parsed.error.issues.length },
  });
}
