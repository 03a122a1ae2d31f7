/**
 * The API-key check, on every /api and /v2 route (health, readiness, metrics and the docs stay
 * open, so probes and scrapers need no secret). `Authorization: Bearer KEY` or `X-API-Key: KEY`.
 * Open only when no source names a key (see KeyRing.open); never in the production profile.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FleetcastError } from '../../core/errors.js';
import { type KeyRing, keyId } from './keys.js';

const OPEN_V2 = /^\/v2\/health\//;

/** Whether a path needs a key. */
export function isProtected(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return (path.startsWith('/api/') || path === '/v2' || path.startsWith('/v2/')) && !OPEN_V2.test(path);
}

export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header : undefined;
}

export function installAuth(app: FastifyInstance, keys: KeyRing): void {
  app.addHook('onRequest', async (request, reply) => {
    if (keys.open || !isProtected(request.url)) return;
    const presented = presentedKey(request);
    const hash = presented === undefined ? undefined : keys.verify(presented);
    if (!hash) {
      void reply.header('www-authenticate', 'Bearer');
      throw new FleetcastError(
        'FLEETCAST_UNAUTHORIZED',
        presented === undefined ? 'an API key is required' : 'the API key is not valid',
        { hint: 'send Authorization: Bearer KEY or X-API-Key: KEY' },
      );
    }
    request.apiKeyId = keyId(hash);
  });
}
