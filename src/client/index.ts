/**
 * `fleetcast/client`: the typed client for Fleetcast's v1 HTTP API, for programs, tests and the
 * dashboard. Depends on nothing but a global `fetch`, so it runs in Node and in browsers.
 *
 *   const client = new FleetcastClient({ baseUrl: 'http://127.0.0.1:8080', apiKey });
 *   const { label, score } = await client.predictDefault({ text: 'works well' });
 */
export {
  CLIENT_ERROR_CODES,
  FleetcastHttpError,
  type FleetcastHttpErrorInit,
  isErrorEnvelope,
  isFleetcastHttpError,
} from './errors.js';
export {
  type CallOptions,
  FleetcastClient,
  type FleetcastClientOptions,
  TERMINAL_JOB_STATUSES,
} from './fleetcast-client.js';
export type * from './types.js';
