/**
 * Synthetic volumes: a sphere, a cube, a cylinder or a hollow shell at a random position and size, with a
 * random intensity and Gaussian noise. Everything is drawn from one `random` key, so a seed gives the same
 * data set on every machine.
 */
import { array, fromTypedArray } from '@lucid-ts/ndarray';
import { random } from '@lucid-ts/ops';
import { balancedLabels, type Dataset, type Key } from './common.js';

/** Class names in label order: label `i` is `SHAPE_CLASSES[i]`. */
export const SHAPE_CLASSES = ['sphere', 'cube', 'cylinder', 'shell'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

/** The geometry of one volume, in voxel units (voxel `(i, j, k)` sits at the point `(i, j, k)`). */
export interface ShapeSpec {
  kind: ShapeClass;
  center: [number, number, number];
  /** Sphere and cylinder radius, cube half-side, shell outer radius. */
  radius: number;
  /** Cylinder half-length along its axis (unused by the other shapes). */
  halfLength: number;
  /** Shell thickness: its inner radius is `radius - thickness` (unused by the other shapes). */
  thickness: number;
  /** Cylinder axis: 0, 1 or 2 (unused by the other shapes). */
  axis: number;
  /** Value of the voxels inside the shape, before noise. */
  intensity: number;
}

export interface Shapes3dOptions {
  /** Number of volumes; classes are balanced (they differ by at most one). */
  n: number;
  /** Side of the cubic volume (default 16). */
  size?: number;
  /** Standard deviation of the additive Gaussian noise (default 0.3). */
  noise?: number;
}

/**
 * Whether the point `p` lies inside `s`: `|p − c| ≤ r` (sphere), `‖p − c‖∞ ≤ r` (cube), radial distance
 * ≤ r and axial distance ≤ halfLength (cylinder), `r − thickness ≤ |p − c| ≤ r` (shell).
 * @example inside({ kind: 'sphere', center: [8, 8, 8], radius: 3, ... }, [8, 8, 11]) // true
 */
export function inside(s: ShapeSpec, p: readonly [number, number, number]): boolean {
  const d = [p[0] - s.center[0], p[1] - s.center[1], p[2] - s.center[2]];
  const r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  switch (s.kind) {
    case 'sphere':
      return r2 <= s.radius * s.radius;
    case 'cube':
      return Math.max(Math.abs(d[0]), Math.abs(d[1]), Math.abs(d[2])) <= s.radius;
    case 'cylinder': {
      const a = d[s.axis];
      return r2 - a * a <= s.radius * s.radius && Math.abs(a) <= s.halfLength;
    }
    case 'shell': {
      const inner = s.radius - s.thickness;
      return r2 <= s.radius * s.radius && r2 >= inner * inner;
    }
  }
}

/** Half-extent of the shape's bounding box along each axis. */
function extent(s: Omit<ShapeSpec, 'center'>): [number, number, number] {
  if (s.kind !== 'cylinder') return [s.radius, s.radius, s.radius];
  const e: [number, number, number] = [s.radius, s.radius, s.radius];
  e[s.axis] = s.halfLength;
  return e;
}

const lerp = (lo: number, hi: number, u: number) => lo + (hi - lo) * u;

/**
 * The shape of class `label` drawn from eight uniforms `u` in [0, 1). Sizes scale with the volume side
 * (the ranges below are for 16): radius 3–6 (sphere), half-side 2.5–5 (cube), radius 2–3.5 and half-length
 * 4.5–7 (cylinder, elongated so it is never mistaken for a cube), outer radius 4.5–7 and thickness 1.5–2.2
 * (shell, wide enough to show its hollow). The centre keeps the whole shape inside the volume.
 */
export function shapeFromUniforms(label: number, u: ArrayLike<number>, size = 16): ShapeSpec {
  const kind = SHAPE_CLASSES[label];
  const scale = size / 16;
  const radius =
    scale *
    (kind === 'sphere'
      ? lerp(3, 6, u[0])
      : kind === 'cube'
        ? lerp(2.5, 5, u[0])
        : kind === 'cylinder'
          ? lerp(2, 3.5, u[0])
          : lerp(4.5, 7, u[0]));
  const partial = {
    kind,
    radius,
    halfLength: scale * lerp(4.5, 7, u[1]),
    thickness: scale * lerp(1.5, 2.2, u[2]),
    axis: Math.min(2, Math.floor(u[3] * 3)),
    intensity: lerp(0.6, 1.4, u[4]),
  };
  const e = extent(partial);
  const mid = (size - 1) / 2;
  // Centres range over the positions that keep the shape inside, so the class never hides in the borders.
  const center = [0, 1, 2].map((i) => {
    const room = Math.max(0, mid - e[i]);
    return lerp(mid - room, mid + room, u[5 + i]);
  }) as [number, number, number];
  return { ...partial, center };
}

/** Adds `spec.intensity` to the voxels of `spec` in the C-order `size³` block of `out` at `offset`. */
export function renderShape(spec: ShapeSpec, size: number, out: Float32Array, offset = 0): void {
  let o = offset;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      for (let k = 0; k < size; k++, o++) {
        if (inside(spec, [i, j, k])) out[o] += spec.intensity;
      }
    }
  }
}

/**
 * A balanced, shuffled data set of `n` noisy volumes: `x` float32 `[n, 1, size, size, size]`, `y` int32
 * `[n]` class indices into {@link SHAPE_CLASSES}, and the geometry of every volume in `specs`.
 * @example const { x, y } = shapes3d(random.key(0), { n: 64 }); // x [64, 1, 16, 16, 16], y [64]
 */
export function shapes3d(key: Key, options: Shapes3dOptions): Dataset & { specs: ShapeSpec[] } {
  const { n, size = 16, noise = 0.3 } = options;
  const [kLabels, kShape, kNoise] = random.split(key, 3);
  const labels = balancedLabels(kLabels, n, SHAPE_CLASSES.length);
  const u = random.uniform(kShape, [n, 8], { dtype: 'float64' }).data as Float64Array;
  const vox = size * size * size;
  const data = random.normal(kNoise, [n, 1, size, size, size]).data as Float32Array;
  for (let v = 0; v < data.length; v++) data[v] *= noise;
  const specs: ShapeSpec[] = [];
  for (let s = 0; s < n; s++) {
    const spec = shapeFromUniforms(labels[s], u.subarray(8 * s, 8 * s + 8), size);
    renderShape(spec, size, data, s * vox);
    specs.push(spec);
  }
  const x = fromTypedArray(data, [n, 1, size, size, size]);
  return { x, y: array(Int32Array.from(labels)), specs };
}
