/**
 * The Prometheus binary for the tests that run a real one. Outside CI a missing binary skips those
 * tests with a printed reason; under CI it is an error (.ci/run installs it), so they always run.
 */
import { findPrometheusBinary } from '../../src/collect/prometheus/server.js';

let warned = false;

export function prometheusBinary(): string | undefined {
  const binary = findPrometheusBinary();
  if (binary) return binary;
  if (process.env.CI)
    throw new Error('prometheus is not on PATH, and CI requires the collect tests that use it (see .ci/run)');
  if (!warned) {
    warned = true;
    console.warn('skipping the Prometheus tests: prometheus is not on PATH (CI is unset, so they may skip)');
  }
  return undefined;
}
