/** Labelled anomaly kinds. Codes are 1-based so 0 can mean "none" in a Uint8Array column. */
export const ANOMALY_TYPES = ['memory_leak', 'cpu_spike', 'idle_waste', 'scaling_failure', 'level_shift'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export interface AnomalyWindow {
  type: AnomalyType;
  /** Index in ANOMALY_TYPES + 1. */
  code: number;
  /** [startMs, endMs): samples whose timestamp falls inside are affected and labelled. */
  startMs: number;
  endMs: number;
  /**
   * Type-specific strength: the memory level a leak reaches, the CPU a spike or a scaling failure
   * pins, the factor of a level shift; unused by idle waste.
   */
  magnitude: number;
}

/** The label of a code from a batch's anomaly column, or null for 0. */
export function anomalyLabel(code: number): AnomalyType | null {
  return code > 0 ? (ANOMALY_TYPES[code - 1] ?? null) : null;
}
