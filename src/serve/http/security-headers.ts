/**
 * Security headers (helmet's defaults plus a Content-Security-Policy the docs page can live with),
 * computed once. @fastify/helmet runs helmet's middleware factory on every request, parsing the
 * policy again each time (≈ 4 % of the event loop's time under load in a profile), although the
 * headers depend on nothing in the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

const OPTIONS: HelmetOptions = {
  // The docs page (swagger-ui, served from this host) needs its own scripts and inline styles.
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      // The service is often reached over plain HTTP inside a cluster: do not rewrite the docs'
      // asset URLs to https.
      upgradeInsecureRequests: null,
    },
  },
};

/** The headers helmet's middleware sets for `options`, by running it once on a recording response. */
export function securityHeaders(options: HelmetOptions = OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}
