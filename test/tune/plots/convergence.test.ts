import { describe, expect, it } from 'vitest';
import { bestSoFar, convergenceSvg } from '../../../src/tune/index.js';

describe('the convergence plot', () => {
  const points = [
    { number: 0, state: 'completed', loss: 50 },
    { number: 1, state: 'failed' },
    { number: 2, state: 'completed', loss: 80 },
    { number: 3, state: 'completed', loss: 0.2 },
    { number: 4, state: 'running' },
  ];

  it('tracks the best loss so far from the first completed trial', () => {
    expect(bestSoFar(points)).toEqual([
      { number: 0, best: 50 },
      { number: 1, best: 50 },
      { number: 2, best: 50 },
      { number: 3, best: 0.2 },
      { number: 4, best: 0.2 },
    ]);
  });

  it('draws each trial’s loss, the best-so-far line and failed trials, on a log scale when losses span decades', () => {
    const svg = convergenceSvg('study <x>', points);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('study &lt;x&gt;');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/stroke="#c0392b"/g)).toHaveLength(1);
    expect(svg).toContain('loss (log scale)');
    expect(svg).toContain('3 completed, 1 failed; best 0.2');
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+(H[\d.]+V[\d.]+)+"/);
  });

  it('uses a linear scale for losses within two decades, and says when nothing completed', () => {
    expect(
      convergenceSvg('t', [
        { number: 0, state: 'completed', loss: -1 },
        { number: 1, state: 'completed', loss: 2 },
      ]),
    ).toContain('>loss</text>');
    expect(convergenceSvg('t', [{ number: 0, state: 'failed' }])).toContain('no completed trial');
  });
});
