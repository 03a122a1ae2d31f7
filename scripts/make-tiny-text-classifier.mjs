#!/usr/bin/env node
/**
 * Writes the tiny DistilBERT SST-2 test fixture (fixtures/tiny-distilbert-sst2/): a seeded, randomly
 * initialised model in the Hugging Face ONNX layout plus expected logits from an independent
 * TypeScript forward pass. The generator lives in src/models/text/tiny/ (type-checked and tested);
 * this launcher runs its built form, like bin/fleetcast.js.
 *
 *   npm run build && node scripts/make-tiny-text-classifier.mjs [OUT_DIR] [--seed N]
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : undefined;
if (seed !== undefined && !Number.isSafeInteger(seed)) {
  console.error('--seed takes an integer');
  process.exit(2);
}
const out = args[0] ?? fileURLToPath(new URL('../fixtures/tiny-distilbert-sst2/', import.meta.url));

let text;
try {
  text = await import('../dist/models/text/index.js');
} catch (error) {
  console.error(`cannot load dist/models/text/index.js (${error.message}); run \`npm run build\` first`);
  process.exit(1);
}
const files = text.writeTinyTextClassifier(out, seed === undefined ? {} : { seed });
let total = 0;
for (const file of files) {
  const size = statSync(join(out, file)).size;
  total += size;
  console.log(`${String(size).padStart(8)}  ${file}`);
}
console.log(`${String(total).padStart(8)}  bytes in ${out}`);
