import { describe, expect, it } from 'vitest';
import {
  broadcastShapes,
  broadcastShapesFor,
  coalesce,
  contiguousStrides,
  normalizeAxes,
  normalizeAxis,
  reshapeStrides,
  shapeSize,
} from './index.js';

describe('shape utilities', () => {
  it('shapeSize and contiguousStrides', () => {
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 0, 3])).toBe(0);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
  });

  it('broadcasts two or more shapes with NumPy rules', () => {
    expect(broadcastShapes([2, 1, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(broadcastShapes([], [5])).toEqual([5]);
    expect(broadcastShapes([1], [0])).toEqual([0]);
    expect(broadcastShapes([2, 1], [1, 3], [4, 1, 1])).toEqual([4, 2, 3]);
    expect(() => broadcastShapes([2, 3], [3, 2])).toThrow(
      'broadcastShapes: shapes cannot be broadcast together, got [2,3] and [3,2]',
    );
    expect(() => broadcastShapesFor('add', [[2], [3]])).toThrow(/^add: /);
  });

  it('normalises axes', () => {
    expect(normalizeAxis('f', -1, 3)).toBe(2);
    expect(() => normalizeAxis('sum', 3, 3)).toThrow(
      'sum: axis must be an integer in [-3, 2] for rank 3, got 3',
    );
    expect(() => normalizeAxis('sum', 0, 0)).toThrow(
      'sum: axis must be null for a 0-d array, which has no axes, got 0',
    );
    expect(normalizeAxes('f', null, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('f', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('f', 1, 3)).toEqual([1]);
    expect(() => normalizeAxes('sum', [1, -2], 3)).toThrow('sum: axis repeats axis 1, got [1,-2]');
  });

  it('reshapeStrides finds views and refuses impossible ones', () => {
    expect(reshapeStrides([2, 3], [3, 1], [3, 2])).toEqual([2, 1]);
    // Transposed [3,2] -> [6] must copy.
    expect(reshapeStrides([3, 2], [1, 3], [6])).toBeNull();
    // Every other row of a [4,3] array: split and merge inside contiguous runs only.
    expect(reshapeStrides([2, 3], [6, 1], [2, 3, 1])).toEqual([6, 1, 1]);
    expect(reshapeStrides([2, 3], [6, 1], [6])).toBeNull();
    expect(reshapeStrides([4], [2], [2, 2])).toEqual([4, 2]);
  });

  it('coalesce merges contiguous dims and drops size-1 dims', () => {
    expect(coalesce([2, 3, 4], [[12, 4, 1]])).toEqual({ shape: [24], strides: [[1]] });
    expect(
      coalesce(
        [2, 1, 3],
        [
          [3, 9, 1],
          [0, 0, 1],
        ],
      ),
    ).toEqual({
      shape: [2, 3],
      strides: [
        [3, 1],
        [0, 1],
      ],
    });
    expect(coalesce([2, 3], [[0, 0]])).toEqual({ shape: [6], strides: [[0]] });
  });
});
