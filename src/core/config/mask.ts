/**
 * Secrets never reach logs, errors or `doctor` output. Everything that prints a URL or a config
 * value passes it through here first.
 */

const MASK = '***';

/** Masks the password (and a lone username-as-token) of a URL; leaves non-URLs untouched. */
export function maskUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a URL (a path, say): mask an inline `user:password@` anyway, in case it is a broken URL.
    return value.replace(/\/\/([^/@:\s]+):([^/@\s]+)@/, `//$1:${MASK}@`);
  }
  if (url.password) url.password = MASK;
  for (const key of [...url.searchParams.keys()]) {
    if (isSecretKey(key)) url.searchParams.set(key, MASK);
  }
  // URL serialises the mask percent-encoded; put it back as typed for readability.
  return url.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

const SECRET_KEY =
  /(pass(word)?|secret|secret[_-]?(access[_-]?)?key|access[_-]?key[_-]?id|token|api[_-]?keys?|credentials?|private[_-]?key|auth(orization)?)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Masks a value for display given the key it belongs to. */
export function maskValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (isSecretKey(key)) return Array.isArray(value) ? value.map(() => MASK) : MASK;
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return maskUrl(value);
  return value;
}

/** Deep copy of a config-like object with every secret masked. */
export function maskObject<T>(value: T, key = ''): T {
  if (Array.isArray(value)) {
    if (isSecretKey(key)) return value.map(() => MASK) as T;
    return value.map((item) => maskObject(item, key)) as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskObject(v, k);
    return out as T;
  }
  return maskValue(key, value) as T;
}
