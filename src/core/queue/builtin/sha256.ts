/**
 * `core.sha256`: real, deterministic CPU work for the benchmark and the conformance tests. The
 * buffer is filled by xorshift32 (shifts 13, 17, 5) from `seed` (a zero seed would stay zero, so it
 * becomes 0x9e3779b9), each 32-bit word written little-endian, the last one truncated to fit. Any
 * host computes the same digest, so a test can check the result independently.
 */
import { createHash } from 'node:crypto';
import { FleetcastError } from '../../errors.js';
import type { TaskHandler } from '../types.js';

export interface Sha256Payload {
  bytes: number;
  seed: number;
}

/** 256 MiB: enough for any benchmark, small enough that a typo cannot exhaust a worker's heap. */
const MAX_BYTES = 256 * 1024 * 1024;

export function deterministicBytes(bytes: number, seed: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  let state = seed >>> 0 || 0x9e3779b9;
  const whole = bytes - (bytes % 4);
  for (let offset = 0; offset < bytes; offset += 4) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    if (offset < whole) {
      buffer.writeUInt32LE(state, offset);
    } else {
      for (let i = 0; offset + i < bytes; i++) buffer[offset + i] = (state >>> (8 * i)) & 0xff;
    }
  }
  return buffer;
}

const sha256: TaskHandler<Sha256Payload, string> = (payload) => {
  const { bytes, seed } = payload ?? ({} as Partial<Sha256Payload>);
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BYTES) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `core.sha256: bytes must be an integer in 0..${MAX_BYTES}`, {
      hint: 'pass a payload like { "bytes": 1048576, "seed": 1 }',
    });
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'core.sha256: seed must be an integer', {
      hint: 'pass a payload like { "bytes": 1048576, "seed": 1 }',
    });
  }
  return createHash('sha256').update(deterministicBytes(bytes, seed)).digest('hex');
};

export default sha256;
