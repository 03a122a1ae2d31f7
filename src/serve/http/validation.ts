/**
 * Route schemas are written once, in zod: the same object validates requests (strict: unknown keys
 * and wrong types are a 400 naming the field) and, converted to JSON Schema, documents the route in
 * the OpenAPI document. Responses are serialised with JSON.stringify, so their schemas only document.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';

const zodOf = new WeakMap<object, z.ZodType>();

/** JSON Schema (OpenAPI 3.0 flavour) of a zod type, remembered so the validator finds the zod type. */
export function schemaOf(type: z.ZodType, description?: string): Record<string, unknown> {
  const json = z.toJSONSchema(type, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  if (description) json.description = description;
  zodOf.set(json, type);
  return json;
}

/** JSON Schema of a response body (documentation only). */
export function responseOf(type: z.ZodType, description: string): Record<string, unknown> {
  const json = z.toJSONSchema(type, { io: 'output', target: 'openapi-3.0', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  json.description = description;
  return json;
}

/** The first problem of a zod failure as one readable line plus structured details. */
export function zodError(error: z.ZodError, where: string): FleetcastError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const field = path ? `${where}.${path}` : where;
  const message =
    issue.code === 'unrecognized_keys'
      ? `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : `${field}: ${issue.message.replace(/^Invalid input: /, '')}`;
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, {
    details: { field, issues: error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const type = zodOf.get(schema as object);
    if (!type) throw new Error('a route schema was not made with schemaOf()');
    const where = httpPart === 'querystring' ? 'query' : httpPart === 'params' ? 'path' : (httpPart ?? 'body');
    return (data: unknown) => {
      const result = type.safeParse(data);
      return result.success ? { value: result.data } : { error: zodError(result.error, where) };
    };
  });
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
}
