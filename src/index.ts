/**
 * Fleetcast's public API for programs that embed it. The CLI (`fleetcast`) is built on the same
 * exports.
 */
export * from './core/index.js';
