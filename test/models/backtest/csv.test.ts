import { describe, expect, it } from 'vitest';
import { parseCsv, readSeriesCsv } from '../../../src/models/backtest/csv.js';

const columns = { timeCol: 'ts', valueCol: 'cpu' };

describe('backtest CSV input', () => {
  it('parses quoted fields, CRLF line ends and a byte-order mark', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, ""y""",2\r\n\r\n3,"multi\nline"')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
      ['3', 'multi\nline'],
    ]);
  });

  it('groups rows by id and puts each series in time order', () => {
    const text = 'ts,host,cpu\n2024-01-01T02:00:00Z,a,3\n2024-01-01T01:00:00Z,a,2\n5,b,7\n4,b,6\n';
    const series = readSeriesCsv(text, { ...columns, idCol: 'host' });
    expect(series.map((s) => [s.id, s.values])).toEqual([
      ['a', [2, 3]],
      ['b', [6, 7]],
    ]);
    expect(series[0]!.times[0]).toBe(Date.parse('2024-01-01T01:00:00Z'));
  });

  it('names the series after the value column without an id column', () => {
    expect(readSeriesCsv('ts,cpu\n1,0.5\n2,0.25\n', columns)).toEqual([
      { id: 'cpu', times: [1, 2], values: [0.5, 0.25] },
    ]);
  });

  it('names the missing column and lists the header', () => {
    expect(() => readSeriesCsv('time,cpu\n1,2\n', columns, 'load.csv')).toThrow(
      expect.objectContaining({
        message: 'load.csv: column "ts" (--time-col) is not in the header',
        hint: 'columns in the header: time, cpu',
      }),
    );
    expect(() => readSeriesCsv('ts,cpu\n1,2\n', { ...columns, idCol: 'host' })).toThrow(/"host" \(--id-col\)/);
  });

  it('names the column and row of a bad value, a bad time and a short row', () => {
    expect(() => readSeriesCsv('ts,cpu\n1,2\n2,abc\n', columns)).toThrow(
      /row 3: column "cpu" holds "abc", not a finite number/,
    );
    expect(() => readSeriesCsv('ts,cpu\n1,NaN\n', columns)).toThrow(/row 2: column "cpu" holds "NaN"/);
    expect(() => readSeriesCsv('ts,cpu\n1,Infinity\n', columns)).toThrow(/row 2: column "cpu" holds "Infinity"/);
    expect(() => readSeriesCsv('ts,cpu\n1,\n', columns)).toThrow(/row 2: column "cpu" holds ""/);
    expect(() => readSeriesCsv('ts,cpu\n1,1\nyesterday,2\n', columns)).toThrow(
      /row 3: column "ts" holds "yesterday", not a number or a date/,
    );
    expect(() => readSeriesCsv('ts,cpu\n1,1\n2\n', columns)).toThrow(/row 3: 1 fields, the header has 2/);
  });

  it('rejects duplicate timestamps in a series, an empty file and a header without rows', () => {
    expect(() => readSeriesCsv('ts,cpu\n1,1\n2,2\n1,3\n', columns)).toThrow(
      /rows 2 and 4: series "cpu" has two values at time "1"/,
    );
    expect(() => readSeriesCsv('', columns)).toThrow(/is empty/);
    expect(() => readSeriesCsv('ts,cpu\n', columns)).toThrow(/no data rows/);
  });
});
