/** Synthetic data for the tuning tests, made here (seeded) rather than shipped. */
import { Rng } from '../../../src/tune/index.js';

const HOUR = 3_600_000;

/** Hourly series with a daily cycle and noise: seasonal models should beat a season-less naive. */
export function seasonalCsv(series: string[], hours: number, seed = 1): string {
  const rng = new Rng(seed);
  const lines = ['resource_id,timestamp,cpu'];
  series.forEach((id, s) => {
    const level = 20 + 10 * s;
    for (let h = 0; h < hours; h++) {
      const value = level * (1 + 0.5 * Math.sin((2 * Math.PI * h) / 24)) + rng.normal();
      lines.push(`${id},${new Date(Date.UTC(2025, 0, 6) + h * HOUR).toISOString()},${value.toFixed(3)}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** Load-step polls of two services (the kpp CSV layout), laws plus noise. */
export function loadStepCsv(seed = 2): string {
  const rng = new Rng(seed);
  const lines = ['Timestamp,Service,User Count,Response Time (s),Throughput (req/s),CPU Usage'];
  let t = 1_700_000_000;
  for (let users = 10; users <= 120; users += 10) {
    for (let poll = 0; poll < 6; poll++) {
      t += 60;
      for (const [service, demand] of [
        ['cart', 0.002],
        ['checkout', 0.004],
      ] as const) {
        const throughput = users * 0.5 * (1 + 0.05 * rng.normal());
        const response = (0.01 + 0.0002 * users) * (1 + 0.05 * rng.normal());
        const cpu = 0.01 + demand * throughput * (1 + 0.05 * rng.normal());
        lines.push(`${t},${service},${users},${response},${throughput},${cpu}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
