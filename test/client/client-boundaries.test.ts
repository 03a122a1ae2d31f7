/**
 * The client ships to browsers (the dashboard) and to other programs as `fleetcast/client`, so it
 * may import nothing but its own folder: no node: modules, no packages, no other part of the repo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const folder = fileURLToPath(new URL('../../src/client', import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports?: Record<string, unknown>;
};

describe('the client module', () => {
  it('imports only files of its own folder', () => {
    const files = readdirSync(folder).filter((name) => name.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const file of files) {
      const source = readFileSync(join(folder, file), 'utf8');
      const specifiers = [...source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[\w-]+\.js$/);
      expect(source, file).not.toMatch(/\bprocess\.|\bBuffer\b|\brequire\(/);
    }
  });

  it('is exported by the package as fleetcast/client', () => {
    expect(packageJson.exports?.['./client']).toEqual({
      types: './dist/client/index.d.ts',
      default: './dist/client/index.js',
    });
  });
});
