/** The core's one public door: configuration, errors, logging, progress and the four stores. */
export * from './artifacts/index.js';
export { type LoadConfigOptions, loadConfig } from './config/load.js';
export { maskObject, maskUrl } from './config/mask.js';
export type { FleetcastConfig, Profile } from './config/schema.js';
export { type BackendCheck, type DoctorReport, runDoctor } from './doctor.js';
export * from './errors.js';
export { createLogger, type Logger, newRunId } from './logging.js';
export * from './metadata/index.js';
export { createProgress, type Progress } from './progress.js';
export * from './queue/index.js';
export { VERSION } from './version.js';
export * from './warehouse/index.js';
