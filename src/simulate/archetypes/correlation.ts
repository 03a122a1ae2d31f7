/**
 * Builds the 5 × 5 innovation correlation matrix of an archetype from its ten named pairs, so each
 * archetype states only the couplings it means (order: CPU, memory, network in, network out, disk).
 */
export interface Couplings {
  cpuMemory: number;
  cpuIn: number;
  cpuOut: number;
  cpuDisk: number;
  memoryIn: number;
  memoryOut: number;
  memoryDisk: number;
  inOut: number;
  inDisk: number;
  outDisk: number;
}

export function correlationMatrix(c: Couplings): number[][] {
  return [
    [1, c.cpuMemory, c.cpuIn, c.cpuOut, c.cpuDisk],
    [c.cpuMemory, 1, c.memoryIn, c.memoryOut, c.memoryDisk],
    [c.cpuIn, c.memoryIn, 1, c.inOut, c.inDisk],
    [c.cpuOut, c.memoryOut, c.inOut, 1, c.outDisk],
    [c.cpuDisk, c.memoryDisk, c.inDisk, c.outDisk, 1],
  ];
}
