/**
 * Kubernetes resource quantities as the runtime spec accepts them: CPU in cores or millicores
 * (`2`, `0.5`, `500m`), memory in bytes with a binary or decimal suffix (`512Mi`, `2Gi`, `1G`).
 * Parsed to numbers only to compare a limit with its request; manifests keep the text.
 */

const CPU = /^(\d+(\.\d{1,3})?|\d+m)$/;
const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;

const MEMORY_FACTORS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

export const CPU_FORM = 'a CPU quantity such as 500m, 0.5 or 2';
export const MEMORY_FORM = 'a memory quantity such as 512Mi, 2Gi or 1G';

/** Millicores, or undefined when the text is not a CPU quantity (or is zero). */
export function parseCpu(text: string): number | undefined {
  if (!CPU.test(text)) return undefined;
  const millis = text.endsWith('m') ? Number(text.slice(0, -1)) : Math.round(Number(text) * 1000);
  return millis > 0 ? millis : undefined;
}

/** Bytes, or undefined when the text is not a memory quantity (or is zero). */
export function parseMemory(text: string): number | undefined {
  const match = MEMORY.exec(text);
  if (!match) return undefined;
  const bytes = Number(match[1]) * MEMORY_FACTORS[match[3] ?? '']!;
  return bytes > 0 ? bytes : undefined;
}

/** Whole cores a CPU quantity rounds up to (at least 1): the default worker concurrency. */
export function wholeCores(text: string): number {
  return Math.max(1, Math.ceil((parseCpu(text) ?? 1000) / 1000));
}
