#!/usr/bin/env node
/**
 * Writes the tiny Chronos-Bolt test fixture (fixtures/tiny-chronos-bolt/): config.json and
 * model.onnx of a closed-form stand-in with the Chronos-Bolt I/O contract (context 32, prediction
 * 8, quantiles 0.1…0.9). The generator lives in src/models/chronos/tiny.ts (type-checked and
 * tested); this launcher runs its built form, like bin/fleetcast.js.
 *
 *   npm run build && node scripts/make-tiny-chronos-bolt.mjs [OUT_DIR]
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? fileURLToPath(new URL('../fixtures/tiny-chronos-bolt/', import.meta.url));

let chronos;
try {
  chronos = await import('../dist/models/chronos/index.js');
} catch (error) {
  console.error(`cannot load dist/models/chronos/index.js (${error.message}); run \`npm run build\` first`);
  process.exit(1);
}
let total = 0;
for (const file of chronos.writeTinyChronosBolt(out)) {
  const size = statSync(join(out, file)).size;
  total += size;
  console.log(`${String(size).padStart(8)}  ${file}`);
}
console.log(`${String(total).padStart(8)}  bytes in ${out}`);
