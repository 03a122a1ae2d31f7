/**
 * Contracts depend on nothing, not even the core's error catalogue, so they raise their own error
 * type. Callers in other layers translate it (for example into FLEETCAST_INVALID_ARGUMENT).
 */
export class ContractViolationError extends Error {
  readonly code = 'CONTRACT_VIOLATION';

  constructor(message: string) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

// In a `u` regex a surrogate pair is one code point, so this matches only lone surrogates.
// (String.prototype.isWellFormed is ES2024, beyond this project's `lib`.)
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True when the string can be encoded as UTF-8 (has no lone UTF-16 surrogate). */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
