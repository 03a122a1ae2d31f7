/**
 * Log-gamma and the log-combinatorics built on it, for the binomial and beta-binomial likelihoods.
 * Lanczos approximation (g = 7, 9 coefficients, as in Numerical Recipes 3rd ed. and Boost's
 * reference), with the reflection formula below ½; accurate to ~1e-15 relative for x > 0.
 */

const G = 7;
const COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (and non-integer x ≤ 0 through reflection). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Γ(x)Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = COEFFICIENTS[0]!;
  const t = z + G + 0.5;
  for (let i = 1; i < COEFFICIENTS.length; i++) a += COEFFICIENTS[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln C(n, k) for 0 ≤ k ≤ n (real-valued n and k allowed). */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
