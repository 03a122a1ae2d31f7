import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interpolationSplit } from '../../../src/models/data/index.js';
import { fitPerformanceModel } from '../../../src/models/performance/index.js';
import { panelsSvg, ticks, writePerformancePlots } from '../../../src/models/plots/index.js';
import { tempDir } from '../../helpers/services.js';
import { LEVELS, syntheticRun } from './synthetic.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe('prediction-vs-truth plots', () => {
  it('writes one SVG per service with three panels, the polls as dots and the model as a line', () => {
    const { train, test } = interpolationSplit(syntheticRun(LEVELS));
    const model = fitPerformanceModel(train);
    const paths = writePerformancePlots(dir.path, model, train, test);
    expect(paths.map((p) => basename(p))).toEqual(['api.svg', 'db.svg']);
    const svg = readFileSync(paths[0]!, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const title of ['response time', 'throughput', 'CPU']) expect(svg).toContain(`>${title}</text>`);
    expect(count(svg, /<path /g)).toBe(3);
    // Every poll of the service appears once per panel; test polls in their own colour.
    const polls = train.filter((r) => r.service === 'api').length + test.filter((r) => r.service === 'api').length;
    expect(count(svg, /<circle /g)).toBe(3 * polls);
    expect(count(svg, /<circle [^>]*fill="#d95f02"/g)).toBe(3 * test.filter((r) => r.service === 'api').length);
    expect(count(svg, /<g /g)).toBe(count(svg, /<\/g>/g));
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('escapes text and chooses round ticks', () => {
    const svg = panelsSvg('a<b & "c"', [{ title: 't', xLabel: 'x', yLabel: 'y', points: [{ x: 1, y: 1 }], line: [] }]);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(55, 113)).toEqual([60, 80, 100]);
    expect(ticks(3, 3)).toEqual([3]);
  });
});
