/** The models capability's public door. */
export * from './artifact/flavors.js';
export * from './artifact/manifest.js';
export * from './metrics/index.js';
