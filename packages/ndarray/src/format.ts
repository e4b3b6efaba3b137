/**
 * NumPy-style printing: `array([[1., 2.],\n       [3., 4.]], dtype=float32)`. Floats use the shortest
 * representation that round-trips in the array's own precision, at most 8 decimals, aligned on the
 * decimal point; scientific notation when magnitudes span more than 1e3 or leave [1e-4, 1e8).
 * Arrays of more than 1000 elements are summarised with `...` (3 items at each edge), as NumPy does.
 */
import type { DType, TypedArray } from './dtype.js';
import { shapeSize } from './shape.js';

export interface Printable {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly data: TypedArray;
}

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;
const PRECISION = 8;

/** Shortest decimal string that parses back to `x` (in float32 when `single`). */
function shortest(x: number, single: boolean): string {
  if (!single) return String(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

function splitFixed(x: number, single: boolean): [string, string] {
  let s = shortest(x, single);
  if (/e/.test(s)) s = x.toFixed(PRECISION);
  let [int, frac = ''] = s.split('.');
  if (frac.length > PRECISION) [int, frac = ''] = Number(x.toFixed(PRECISION)).toFixed(PRECISION).split('.');
  frac = frac.replace(/0+$/, '');
  return [int, frac];
}

function makeFloatFormatter(values: number[], single: boolean): (x: number) => string {
  const finite = values.filter((v) => Number.isFinite(v)).map(Math.abs);
  const nonzero = finite.filter((v) => v !== 0);
  const max = finite.length ? Math.max(...finite) : 0;
  const min = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = max >= 1e8 || (nonzero.length > 0 && (min < 1e-4 || max / min > 1e3));
  const special = (x: number) => (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
  if (sci) {
    const parts = finite.length
      ? values.filter(Number.isFinite).map((v) => {
          const [m, e] = Number(shortest(v, single)).toExponential().split('e');
          const digits = Math.min((m.split('.')[1] ?? '').length, PRECISION);
          return { digits, e };
        })
      : [];
    const digits = Math.max(0, ...parts.map((p) => p.digits));
    const expWidth = Math.max(2, ...parts.map((p) => p.e.replace(/^[+-]/, '').length));
    const fmt = (x: number) => {
      if (!Number.isFinite(x)) return special(x);
      const [m, e] = x.toExponential(digits).split('e');
      const mant = digits === 0 ? `${m}.` : m;
      const sign = e[0] === '-' ? '-' : '+';
      return `${mant}e${sign}${e.replace(/^[+-]/, '').padStart(expWidth, '0')}`;
    };
    const width = Math.max(...values.map((v) => fmt(v).length));
    return (x) => fmt(x).padStart(width);
  }
  const split = values.map((v) => (Number.isFinite(v) ? splitFixed(v, single) : null));
  const intWidth = Math.max(0, ...split.map((p) => (p ? p[0].length : 0)));
  const fracWidth = Math.max(0, ...split.map((p) => (p ? p[1].length : 0)));
  const width = Math.max(
    intWidth + 1 + fracWidth,
    ...values.filter((v) => !Number.isFinite(v)).map((v) => special(v).length),
  );
  return (x) => {
    if (!Number.isFinite(x)) return special(x).padStart(width);
    const [i, f] = splitFixed(x, single);
    return `${i.padStart(intWidth)}.${f.padEnd(fracWidth)}`;
  };
}

/** Row-major multi-indices to print along one axis: all, or the edges around a `null` gap. */
function axisItems(n: number, summarise: boolean): (number | null)[] {
  if (!summarise || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, null, n - 3, n - 2, n - 1];
}

export function formatArray(a: Printable): string {
  const { dtype, shape, strides, offset, data } = a;
  const size = shapeSize(shape);
  const suffix = `dtype=${dtype})`;
  if (size === 0) return `array([], shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''}), ${suffix}`;
  const summarise = size > THRESHOLD;
  // Collect the printed values first: the element width depends on all of them.
  const values: number[] = [];
  const walk = (axis: number, off: number) => {
    if (axis === shape.length) {
      values.push(data[off]);
      return;
    }
    for (const i of axisItems(shape[axis], summarise))
      if (i !== null) walk(axis + 1, off + i * strides[axis]);
  };
  walk(0, offset);
  let fmt: (x: number) => string;
  if (dtype === 'bool') fmt = (x) => (x ? ' True' : 'False');
  else if (dtype === 'int32') {
    const w = Math.max(...values.map((v) => String(v).length));
    fmt = (x) => String(x).padStart(w);
  } else fmt = makeFloatFormatter(values, dtype === 'float32');

  if (shape.length === 0) return `array(${fmt(data[offset]).trim()}, ${suffix}`;
  const prefix = 'array(';
  const render = (axis: number, off: number, indent: string): string => {
    const items = axisItems(shape[axis], summarise);
    if (axis === shape.length - 1) {
      const words = items.map((i) => (i === null ? '...' : fmt(data[off + i * strides[axis]])));
      const lines: string[] = [];
      let line = '';
      for (let w = 0; w < words.length; w++) {
        const word = words[w] + (w < words.length - 1 ? ',' : '');
        if (line && indent.length + 1 + line.length + 1 + word.length > LINE_WIDTH) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      lines.push(line);
      return `[${lines.join(`\n${indent} `)}]`;
    }
    const sep = `,${'\n'.repeat(shape.length - axis - 1)}${indent} `;
    const parts = items.map((i) =>
      i === null ? '...' : render(axis + 1, off + i * strides[axis], `${indent} `),
    );
    return `[${parts.join(sep)}]`;
  };
  return `${prefix}${render(0, offset, ' '.repeat(prefix.length))}, ${suffix}`;
}
