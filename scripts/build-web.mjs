// Copies the dashboard's static files next to its compiled modules (tsc only emits .js).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
for (const file of ['index.html', 'style.css']) copyFileSync(join(root, 'src', 'dashboard', 'web', file), join(out, file));
