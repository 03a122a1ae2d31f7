/**
 * Query sets from YAML, for stacks that are not Istio (Micrometer, NGINX, Linkerd, …): the same
 * quantities, other PromQL. Every template is checked when the file is read, so a typo in a
 * placeholder stops the run before any load is applied.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { validateTemplate } from '../prometheus/promql.js';
import { ISTIO_QUERY_SET } from './istio.js';
import { QUANTITIES, type QuerySet, REQUIRED_QUANTITIES } from './types.js';

const template = z.string().trim().min(1, 'an empty query');

export const QuerySetSchema = z
  .object({
    name: z.string().min(1).default('custom'),
    queries: z
      .object(
        Object.fromEntries(QUANTITIES.map((q) => [q, template.optional()])) as Record<
          string,
          z.ZodOptional<typeof template>
        >,
      )
      .strict(),
    discover: z
      .object({ selector: template, label: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'not a label name') })
      .strict()
      .optional(),
  })
  .strict();

export type QuerySetInput = z.input<typeof QuerySetSchema>;

/** Validates a parsed query set (from YAML or inline in an experiment); `source` names it in errors. */
export function parseQuerySet(raw: unknown, source: string): QuerySet {
  const parsed = QuerySetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path =
      issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)');
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${path}: ${issue.message}`, {
      hint: `a query set has name, queries (${QUANTITIES.join(', ')}) and optionally discover {selector, label}`,
      details: { path },
    });
  }
  const queries: QuerySet['queries'] = {};
  for (const [quantity, text] of Object.entries(parsed.data.queries)) {
    if (text === undefined) continue;
    validateTemplate(text, `${source}: queries.${quantity}`);
    queries[quantity as keyof QuerySet['queries']] = text;
  }
  const missing = REQUIRED_QUANTITIES.filter((q) => queries[q] === undefined);
  if (missing.length > 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: queries lack ${missing.join(', ')}`, {
      hint: 'response_time (seconds), throughput (req/s) and cpu (cores) are what the performance models learn',
      details: { missing },
    });
  }
  const set: QuerySet = { name: parsed.data.name, queries };
  if (parsed.data.discover) {
    validateTemplate(parsed.data.discover.selector, `${source}: discover.selector`);
    set.discover = parsed.data.discover;
  }
  return set;
}

/** Reads a query set file (YAML or JSON). */
export function readQuerySet(path: string): QuerySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `cannot read the query set ${path}: ${(error as Error).message}`, {
      hint: 'set queries: to istio, to a query-set file, or inline',
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  return parseQuerySet(raw, path);
}

/** `istio` (the default set), a file path, or an inline object. */
export function resolveQuerySet(value: unknown, source: string, readFile = readQuerySet): QuerySet {
  if (value === undefined || value === 'istio') return ISTIO_QUERY_SET;
  if (typeof value === 'string') return readFile(value);
  return parseQuerySet(value, `${source}: queries`);
}
