import { FleetcastError } from '../../core/index.js';

/**
 * Lower-triangular L with L·Lᵀ = matrix, row-major in a flat array. Correlated normals are then
 * L·ε for independent ε. Throws when the matrix is not positive definite (a catalogue error).
 */
export function cholesky(matrix: readonly (readonly number[])[]): Float64Array {
  const n = matrix.length;
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (lower[i * n + k] ?? 0) * (lower[j * n + k] ?? 0);
      if (i === j) {
        if (sum <= 0) {
          throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'correlation matrix is not positive definite', {
            hint: 'lower the strongest couplings of the archetype so the matrix is a valid correlation',
          });
        }
        lower[i * n + i] = Math.sqrt(sum);
      } else {
        lower[i * n + j] = sum / (lower[j * n + j] ?? 1);
      }
    }
  }
  return lower;
}
