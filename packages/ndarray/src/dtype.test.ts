import { describe, expect, it } from 'vitest';
import { allocate, castScalar, checkDType, DTypeError, dtypeOf, isFloat } from './index.js';

describe('dtypes', () => {
  it('allocate and dtypeOf agree', () => {
    for (const d of ['float32', 'float64', 'int32', 'bool'] as const) expect(dtypeOf(allocate(d, 2))).toBe(d);
    expect(() => dtypeOf(new Int16Array(1))).toThrow(DTypeError);
    expect(() => allocate('x' as never, 1)).toThrow(DTypeError);
  });

  it('castScalar follows NumPy conversions', () => {
    expect(castScalar(Number.NaN, 'bool')).toBe(1);
    expect(castScalar(-2.7, 'int32')).toBe(-2);
    expect(castScalar(0.1, 'float32')).toBe(Math.fround(0.1));
    expect(castScalar(0.1, 'float64')).toBe(0.1);
  });

  it('checkDType names the function', () => {
    expect(checkDType('f', 'int32')).toBe('int32');
    expect(() => checkDType('zeros', 'float16')).toThrow(
      'zeros: dtype must be one of float32, float64, int32, bool, got float16',
    );
    expect(isFloat('float32')).toBe(true);
    expect(isFloat('int32')).toBe(false);
  });
});
