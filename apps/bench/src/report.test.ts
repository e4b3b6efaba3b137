import { describe, expect, it } from 'vitest';
import { reportMarkdown } from './report.js';

describe('report', () => {
  it('writes ratio, GFLOP/s, agreement and notes', () => {
    const md = reportMarkdown('t', [
      {
        id: 'W8',
        name: 'mm',
        library: 'lucid-ts',
        threads: 1,
        flops: 2e9,
        status: 'reference',
        summary: { runs: 3, median: 1000, min: 900, max: 1100, mean: 1000 },
      },
      {
        id: 'W8',
        name: 'mm',
        library: 'tfjs-cpu',
        threads: 1,
        flops: 2e9,
        status: 'ok',
        maxRelError: 1e-6,
        notes: 'n1',
        summary: { runs: 3, median: 2000, min: 1900, max: 2100, mean: 2000 },
      },
      { id: 'W5', name: 'c', library: 'tfjs-wasm', threads: 1, status: 'unsupported', error: 'no | kernel' },
    ]);
    expect(md).toContain('| 2.00 |');
    expect(md).toContain('ok (1.0e-6)');
    expect(md).toContain('unsupported: no / kernel');
    expect(md).toContain('- W8 tfjs: n1');
  });
});
