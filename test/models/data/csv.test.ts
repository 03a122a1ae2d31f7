import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLoadStepCsv, REQUIRED_COLUMNS, readLoadStepCsv, splitCsvLine } from '../../../src/models/data/index.js';
import { tempDir } from '../../helpers/services.js';

const HEADER = 'Timestamp,Service,User Count,Response Time (s),Throughput (req/s),CPU Usage,Replicas,CPU Request';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

describe('load-step CSV reading', () => {
  it('parses rows, keeps optional columns and reads `nan` measurements as missing', () => {
    const rows = parseLoadStepCsv(
      [HEADER, '100.5,frontend,60,0.02,30.5,0.15,4,0.1', '160.5,"frontend",60,nan,0,,4,0.1', ''].join('\n'),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      timestamp: 100.5,
      service: 'frontend',
      users: 60,
      responseTime: 0.02,
      throughput: 30.5,
      cpu: 0.15,
      replicas: 4,
      cpuRequest: 0.1,
    });
    expect(rows[1]!.responseTime).toBeNaN();
    expect(rows[1]!.cpu).toBeNaN();
    expect(rows[1]!.throughput).toBe(0);
  });

  it('accepts files without the optional replicas and CPU request columns', () => {
    const rows = parseLoadStepCsv(
      'Service,Timestamp,User Count,Response Time (s),Throughput (req/s),CPU Usage\ncart,1,5,0.1,2,0.3',
    );
    expect(rows[0]).toEqual({ timestamp: 1, service: 'cart', users: 5, responseTime: 0.1, throughput: 2, cpu: 0.3 });
  });

  it('rejects a wrong header and lists the expected columns', () => {
    const bad = 'Timestamp,Service,Users,Response Time (s),Throughput (req/s),CPU Usage\n1,a,5,0.1,2,0.3';
    expect(() => parseLoadStepCsv(bad, 'bad.csv')).toThrow(/bad\.csv: the header lacks "User Count"/);
    try {
      parseLoadStepCsv(bad);
    } catch (error) {
      const hint = (error as { hint: string }).hint;
      for (const column of REQUIRED_COLUMNS) expect(hint).toContain(column);
      expect(hint).toContain('Replicas (optional)');
    }
  });

  it('names the column and line of a bad value: text, infinity, missing input, negative', () => {
    const cases: Array<[string, RegExp]> = [
      ['1,a,5,0.1,2,abc,1,0.1', /line 3, column "CPU Usage": not a number \(got "abc"\)/],
      ['1,a,5,0.1,inf,0.3,1,0.1', /line 3, column "Throughput \(req\/s\)": infinite value/],
      ['1,a,5,Infinity,2,0.3,1,0.1', /line 3, column "Response Time \(s\)": infinite value/],
      ['1,a,nan,0.1,2,0.3,1,0.1', /line 3, column "User Count": not a number/],
      ['1,a,5,0.1,2,0.3,,0.1', /line 3, column "Replicas": empty value/],
      ['1,a,-5,0.1,2,0.3,1,0.1', /line 3, column "User Count": negative value/],
      ['1,,5,0.1,2,0.3,1,0.1', /line 3, column "Service": empty service name/],
      ['1,a,5,0.1,2,0.3,1', /line 3 has 7 cells, the header 8/],
    ];
    for (const [line, message] of cases) {
      expect(() => parseLoadStepCsv(`${HEADER}\n1,a,5,0.1,2,0.3,1,0.1\n${line}`)).toThrow(
        expect.objectContaining({ code: 'FLEETCAST_INVALID_ARGUMENT', message: expect.stringMatching(message) }),
      );
    }
  });

  it('refuses a file with a header only, and a file that does not exist', () => {
    expect(() => parseLoadStepCsv(`${HEADER}\n`)).toThrow(/no data rows/);
    expect(() => readLoadStepCsv(join(dir.path, 'missing.csv'))).toThrow(
      expect.objectContaining({ code: 'FLEETCAST_NOT_FOUND' }),
    );
    const path = join(dir.path, 'ok.csv');
    writeFileSync(path, `${HEADER}\r\n1,a,5,0.1,2,0.3,1,0.1\r\n`);
    expect(readLoadStepCsv(path)).toHaveLength(1);
  });

  it('splits quoted cells with commas and escaped quotes', () => {
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
  });
});
