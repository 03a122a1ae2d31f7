/**
 * What an anomaly does to one sample. Works in place on the five metric values (CPU %, memory %,
 * network in, network out, disk IOPS) after the normal process has produced them, before the
 * derived columns (idle flag, labels) are computed, so those always describe the final values.
 */
import type { AnomalyWindow } from './types.js';

export function applyAnomaly(window: AnomalyWindow, t: number, v: Float64Array): void {
  switch (window.type) {
    case 'memory_leak': {
      // Memory climbs steadily from wherever it was to the leak's level by the window's end.
      const progress = (t - window.startMs) / (window.endMs - window.startMs);
      const memory = v[1] ?? 0;
      v[1] = memory + (window.magnitude - memory) * progress;
      break;
    }
    case 'cpu_spike': {
      const cpu = v[0] ?? 0;
      v[0] = Math.max(cpu, window.magnitude - (cpu % 3));
      v[1] = (v[1] ?? 0) * 1.05;
      break;
    }
    case 'idle_waste': {
      // A forgotten resource: processes stay resident (memory kept), nothing is served.
      v[0] = 0.2 + ((v[0] ?? 0) % 0.5);
      v[2] = Math.min((v[2] ?? 0) * 0.01, 0.2);
      v[3] = Math.min((v[3] ?? 0) * 0.01, 0.2);
      v[4] = (v[4] ?? 0) * 0.01;
      break;
    }
    case 'scaling_failure': {
      // Saturated and not scaling out: CPU pinned, requests dropped, so egress collapses.
      const cpu = v[0] ?? 0;
      v[0] = Math.max(cpu, window.magnitude - (cpu % 2));
      v[1] = Math.min(100, (v[1] ?? 0) * 1.15);
      v[3] = (v[3] ?? 0) * 0.3;
      break;
    }
    case 'level_shift': {
      const factor = window.magnitude;
      v[0] = (v[0] ?? 0) * factor;
      v[1] = (v[1] ?? 0) * (1 + (factor - 1) * 0.5);
      v[2] = (v[2] ?? 0) * factor;
      v[3] = (v[3] ?? 0) * factor;
      v[4] = (v[4] ?? 0) * factor;
      break;
    }
  }
}
