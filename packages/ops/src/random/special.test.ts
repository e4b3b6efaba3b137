import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, erfinv, logNdtr, ndtr, ndtri, ndtriLog, nextAfter } from './special.js';

// References: mpmath at 40 digits on the exact double inputs.
const close = (got: number, want: number, rtol = 1e-14) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rtol * Math.abs(want));

describe('erfc, ndtr, logNdtr', () => {
  it('match mpmath to ~1e-14 relative, deep into the tails', () => {
    const erfcRef: [number, number][] = [
      [-3, 1.9999779095030015],
      [-0.5, 1.5204998778130465],
      [0, 1],
      [1e-8, 0.9999999887162083],
      [0.3, 0.6713732405408726],
      [1.2, 0.08968602177036464],
      [1.5, 0.033894853524689274],
      [2, 0.004677734981047266],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
    ];
    for (const [x, want] of erfcRef) close(erfc(x), want);
    const ndtrRef: [number, number][] = [
      [-37, 5.725571222524577e-300],
      [-20, 2.7536241186062337e-89],
      [-5, 2.866515718791939e-7],
      [-1, 0.15865525393145705],
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [3, 0.9986501019683699],
    ];
    for (const [x, want] of ndtrRef) close(ndtr(x), want, 5e-13); // erfc(-x/√2): the rounding of x/√2 is amplified by x²
    const logRef: [number, number][] = [
      [-1e5, -5000000012.431864],
      [-100, -5005.524208694205],
      [-10, -53.23128515051247],
      [-1, -1.8410216450092636],
      [0, -Math.LN2],
      [2, -0.02301290932896349],
      [10, -7.619853024160525e-24],
    ];
    for (const [x, want] of logRef) close(logNdtr(x), want);
  });

  it('handle infinities and NaN', () => {
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
    expect(ndtr(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(ndtr(Number.POSITIVE_INFINITY)).toBe(1);
    expect(logNdtr(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(logNdtr(Number.POSITIVE_INFINITY) === 0).toBe(true); // -0 from log1p(-0)
  });
});

describe('ndtri, ndtriLog, erfinv', () => {
  it('match mpmath', () => {
    const ndtriRef: [number, number][] = [
      [1e-300, -37.0470962993612],
      [1e-20, -9.262340089798407],
      [1e-16, -8.222082216130435],
      [1e-5, -4.264890793922825],
      [0.025, -1.9599639845400543],
      [0.3, -0.5244005127080408],
      [0.75, 0.6744897501960817],
      [0.999, 3.090232306167813],
    ];
    for (const [p, want] of ndtriRef) close(ndtri(p), want, 2e-15);
    close(ndtriLog(-2000), -63.16541860878361, 2e-15); // Φ(x) = e^-2000 underflows; the log does not
    close(ndtriLog(Math.log(0.3)), -0.5244005127080408, 1e-14);
    const erfinvRef: [number, number][] = [
      [-0.999999, -3.458910737275499],
      [-0.5, -0.4769362762044699],
      [1e-10, 8.862269254527581e-11],
      [0.1, 0.08885599049425769],
      [0.9, 1.1630871536766743],
      [1 - 2 ** -53, 5.8635847487551676],
      [-1 + 2 ** -53, -5.8635847487551676],
    ];
    for (const [x, want] of erfinvRef) close(erfinv(x), want, 2e-15);
  });

  it('invert ndtr over the whole range', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 8, noNaN: true }), (x) => {
        const p = ndtr(x);
        // x = ndtri(p) up to the conditioning of Φ: |dx| ≈ |dp| / φ(x) ≈ 1e-15 |p| / φ(x)
        expect(Math.abs(ndtri(p) - x)).toBeLessThanOrEqual(
          1e-13 * (1 + Math.abs(x)) + (1e-15 * p) / Math.exp((-x * x) / 2),
        );
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('have the right limits', () => {
    expect(ndtri(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(ndtri(1)).toBe(Number.POSITIVE_INFINITY);
    expect(ndtri(-0.1)).toBeNaN();
    expect(ndtri(0.5)).toBe(0);
    expect(erfinv(1)).toBe(Number.POSITIVE_INFINITY);
    expect(erfinv(-1)).toBe(Number.NEGATIVE_INFINITY);
    expect(erfinv(1.5)).toBeNaN();
    expect(erfinv(0)).toBe(0);
    expect(ndtriLog(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('nextAfter', () => {
  it('steps one ulp in float32 and float64', () => {
    expect(nextAfter(1, 1, 'float64')).toBe(1 + 2 ** -52);
    expect(nextAfter(1, -1, 'float64')).toBe(1 - 2 ** -53);
    expect(nextAfter(1, 1, 'float32')).toBe(1 + 2 ** -23);
    expect(nextAfter(-1, 1, 'float32')).toBe(-1 + 2 ** -24);
    expect(nextAfter(0, -1, 'float32')).toBe(-(2 ** -149));
    expect(nextAfter(Number.NEGATIVE_INFINITY, 1, 'float64')).toBe(-Number.MAX_VALUE);
    expect(nextAfter(Number.POSITIVE_INFINITY, -1, 'float32')).toBe(Math.fround(3.4028234663852886e38));
  });
});
