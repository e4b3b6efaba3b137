import { describe, expect, it } from 'vitest';
import { createProgress, formatBar, formatMetrics, formatSeconds, type ProgressSink } from './progress.js';

/** A sink that records what was written, with a fake clock advancing 500 ms per reading. */
function fakeSink(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  const sink: ProgressSink = { write: (t) => writes.push(t), isTTY, columns };
  let t = 0;
  const now = () => (t += 500);
  return { sink, writes, now };
}

describe('formatting', () => {
  it('draws bars, clamped', () => {
    expect(formatBar(0.5, 10)).toBe('█████░░░░░');
    expect(formatBar(0, 4)).toBe('░░░░');
    expect(formatBar(1, 4)).toBe('████');
    expect(formatBar(2, 4)).toBe('████');
    expect(formatBar(-1, 4)).toBe('░░░░');
    expect(formatBar(Number.NaN, 3)).toBe('░░░');
  });

  it('formats metrics and seconds', () => {
    expect(formatMetrics({ loss: 0.43219, acc: 0.8 })).toBe('loss 0.4322  acc 0.8000');
    expect(formatMetrics({ loss: 1, acc: 1 / 3 }, 2)).toBe('loss 1.00  acc 0.33');
    expect(formatMetrics({})).toBe('');
    expect(formatSeconds(12345)).toBe('12.3s');
  });
});

describe('createProgress', () => {
  it('redraws in place on a TTY and leaves one line per epoch', () => {
    const { sink, writes, now } = fakeSink(true);
    const bar = createProgress(sink, { epochs: 2, steps: 4, width: 8, now });
    bar.step(1, { loss: 1.5 });
    bar.step(2, { loss: 1.25 });
    bar.endEpoch(1, { loss: 1, acc: 0.5 });
    bar.step(4, { loss: 0.5 });
    bar.endEpoch(2, { loss: 0.25, acc: 0.75 });
    expect(writes).toEqual([
      '\r\x1b[Kepoch 1/2  ██░░░░░░  1/4  loss 1.5000  0.5s',
      '\r\x1b[Kepoch 1/2  ████░░░░  2/4  loss 1.2500  1.0s',
      '\r\x1b[Kepoch 1/2  loss 1.0000  acc 0.5000  1.5s\n',
      '\r\x1b[Kepoch 2/2  ████████  4/4  loss 0.5000  0.5s',
      '\r\x1b[Kepoch 2/2  loss 0.2500  acc 0.7500  1.0s\n',
    ]);
    // Only finished lines end with a newline, so the terminal ends with exactly one line per epoch.
    expect(writes.join('').split('\n')).toHaveLength(3);
  });

  it('prints exactly one plain line per epoch off a TTY', () => {
    const { sink, writes, now } = fakeSink(false);
    const bar = createProgress(sink, { epochs: 10, steps: 3, now });
    for (let e = 1; e <= 2; e++) {
      for (let s = 1; s <= 3; s++) bar.step(s, { loss: 1 / s });
      bar.endEpoch(e, { loss: 0.1 * e, test_acc: 0.9 });
    }
    expect(writes).toEqual([
      'epoch  1/10  loss 0.1000  test_acc 0.9000  0.5s\n',
      'epoch  2/10  loss 0.2000  test_acc 0.9000  0.5s\n',
    ]);
    expect(writes.join('')).not.toContain('\r');
    expect(writes.join('')).not.toContain('\x1b');
  });

  it('treats a sink without isTTY as a pipe', () => {
    const writes: string[] = [];
    const bar = createProgress({ write: (t) => writes.push(t) }, { epochs: 1, steps: 1 });
    bar.step(1, { loss: 1 });
    bar.endEpoch(1, { loss: 1 });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^epoch 1\/1 {2}loss 1\.0000 {2}\d+\.\ds\n$/);
  });

  it('cuts the redrawn line to the terminal width so it never wraps', () => {
    const { sink, writes, now } = fakeSink(true, 20);
    const bar = createProgress(sink, { epochs: 1, steps: 100, now });
    bar.step(50, { loss: 0.123456, acc: 0.5 });
    expect(writes[0].startsWith('\r\x1b[K')).toBe(true);
    expect(writes[0].slice(4)).toHaveLength(19);
  });
});
