/**
 * Public trace formats, each read into the same reading shape. Units follow the output columns
 * (percent of the instance, Mbit/s, IOPS); a quantity a trace does not measure in those units is
 * left missing (NaN → null in the output) rather than guessed:
 * - Alibaba cluster-trace-v2018 `machine_usage` (no header): machine_id, time_stamp (s from trace
 *   start), cpu_util_percent, mem_util_percent, mem_gps, mkpi, net_in, net_out, disk_io_percent.
 *   −1 and 101 (and anything outside 0–100) mark invalid readings. net_* and disk_io_percent are
 *   normalised, not Mbit/s or IOPS: left missing.
 * - Google ClusterData 2019 `InstanceUsage` (JSON lines, as exported from BigQuery): start_time
 *   (µs from trace start), collection_id, instance_index, average_usage {cpus, memory}. Usage is in
 *   normalised units (share of the largest machine); ×100 gives percent of that machine.
 * - Azure Public Dataset V2 `vm_cpu_readings` (no header): timestamp (s from trace start), vm id,
 *   min, max, avg CPU (percent); avg is used.
 * - Bitbrains GWA-T-12 (one `;`-separated file per VM, with header): CPU usage [%]; memory usage ÷
 *   provisioned; network KB/s → Mbit/s. The "Timestamp [ms]" column holds epoch seconds.
 * - generic CSV with a header naming any of the output columns; `timestamp` (ISO, or epoch seconds)
 *   and `resource_id` are required.
 */
export const FORMATS = ['alibaba', 'google2019', 'azure', 'bitbrains', 'csv'] as const;
export type TraceFormat = (typeof FORMATS)[number];

export interface Reading {
  resourceId: string;
  timeMs: number;
  cpu: number;
  memory: number;
  networkIn: number;
  networkOut: number;
  diskIops: number;
}

/** A parsed line: a reading, a reason it is invalid, or nothing (header, blank line). */
export type Parsed = Reading | { invalid: string } | undefined;

const MISSING = Number.NaN;

function percent(text: string | undefined): number {
  const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 100 ? value : Number.NaN;
}

function reading(resourceId: string, timeMs: number, values: Partial<Reading>): Parsed {
  if (resourceId === '') return { invalid: 'no resource id' };
  if (!Number.isFinite(timeMs)) return { invalid: 'unreadable time' };
  return {
    resourceId,
    timeMs,
    cpu: values.cpu ?? MISSING,
    memory: values.memory ?? MISSING,
    networkIn: values.networkIn ?? MISSING,
    networkOut: values.networkOut ?? MISSING,
    diskIops: values.diskIops ?? MISSING,
  };
}

export function parseAlibaba(line: string, originMs: number): Parsed {
  if (line.trim() === '') return undefined;
  const f = line.split(',');
  const cpu = percent(f[2]);
  const memory = percent(f[3]);
  if (Number.isNaN(cpu) || Number.isNaN(memory)) return { invalid: 'cpu or memory outside 0–100 (−1/101 markers)' };
  return reading((f[0] ?? '').trim(), originMs + Number(f[1]) * 1000, { cpu, memory });
}

export function parseAzure(line: string, originMs: number): Parsed {
  if (line.trim() === '') return undefined;
  const f = line.split(',');
  const cpu = percent(f[4]);
  if (Number.isNaN(cpu)) return { invalid: 'average CPU outside 0–100' };
  return reading((f[1] ?? '').trim(), originMs + Number(f[0]) * 1000, { cpu });
}

interface GoogleUsage {
  start_time?: number | string;
  collection_id?: number | string;
  instance_index?: number | string;
  average_usage?: { cpus?: number | null; memory?: number | null } | null;
}

export function parseGoogle(line: string, originMs: number): Parsed {
  if (line.trim() === '') return undefined;
  let row: GoogleUsage;
  try {
    row = JSON.parse(line) as GoogleUsage;
  } catch {
    return { invalid: 'not a JSON object' };
  }
  const usage = row.average_usage ?? {};
  const cpu = percent(usage.cpus === null || usage.cpus === undefined ? undefined : String(usage.cpus * 100));
  const memory = percent(usage.memory === null || usage.memory === undefined ? undefined : String(usage.memory * 100));
  if (Number.isNaN(cpu)) return { invalid: 'average CPU usage missing or outside 0–1' };
  const id = row.collection_id === undefined ? '' : `${row.collection_id}-${row.instance_index ?? 0}`;
  return reading(id, originMs + Number(row.start_time) / 1000, { cpu, memory });
}

/** Bitbrains: `columns` are the header's names (trimmed), `resourceId` the file's VM id. */
export function parseBitbrains(line: string, columns: readonly string[], resourceId: string): Parsed {
  if (line.trim() === '') return undefined;
  const f = line.split(';').map((x) => x.trim());
  const at = (name: string): number => Number(f[columns.indexOf(name)]);
  const cpu = percent(f[columns.indexOf('CPU usage [%]')]);
  if (Number.isNaN(cpu)) return { invalid: 'CPU usage outside 0–100' };
  const provisioned = at('Memory capacity provisioned [KB]');
  const used = at('Memory usage [KB]');
  const memory = provisioned > 0 && used >= 0 && used <= provisioned ? (used / provisioned) * 100 : MISSING;
  const kbToMbit = (kb: number): number => (Number.isFinite(kb) && kb >= 0 ? (kb * 8) / 1000 : MISSING);
  return reading(resourceId, at('Timestamp [ms]') * 1000, {
    cpu,
    memory,
    networkIn: kbToMbit(at('Network received throughput [KB/s]')),
    networkOut: kbToMbit(at('Network transmitted throughput [KB/s]')),
  });
}

/** Generic CSV: `columns` from its header (output column names). */
export function parseGeneric(line: string, columns: readonly string[]): Parsed {
  if (line.trim() === '') return undefined;
  const f = line.split(',').map((x) => x.trim());
  const text = (name: string): string | undefined => {
    const i = columns.indexOf(name);
    return i < 0 ? undefined : f[i];
  };
  const number = (name: string): number => {
    const value = text(name);
    return value === undefined || value === '' ? MISSING : Number(value);
  };
  const stamp = text('timestamp') ?? '';
  const timeMs = /^\d+(\.\d+)?$/.test(stamp) ? Number(stamp) * 1000 : Date.parse(stamp);
  const cpu = number('cpu_utilization');
  const memory = number('memory_utilization');
  if (
    (!Number.isNaN(cpu) && Number.isNaN(percent(String(cpu)))) ||
    (!Number.isNaN(memory) && Number.isNaN(percent(String(memory))))
  ) {
    return { invalid: 'utilisation outside 0–100' };
  }
  const nonNegative = (x: number): number => (x >= 0 ? x : MISSING);
  return reading(text('resource_id') ?? '', timeMs, {
    cpu,
    memory,
    networkIn: nonNegative(number('network_in_mbps')),
    networkOut: nonNegative(number('network_out_mbps')),
    diskIops: nonNegative(number('disk_iops')),
  });
}
