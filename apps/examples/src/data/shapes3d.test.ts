import { random } from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inside,
  renderShape,
  SHAPE_CLASSES,
  type ShapeSpec,
  shapeFromUniforms,
  shapes3d,
} from './shapes3d.js';

const FC = { seed: 20261122, numRuns: 200 };

const uniforms = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 8,
  maxLength: 8,
});

/** The voxels a shape lights up in a noiseless render. */
function litVoxels(spec: ShapeSpec, size: number): [number, number, number][] {
  const out = new Float32Array(size ** 3);
  renderShape(spec, size, out);
  const lit: [number, number, number][] = [];
  out.forEach((v, o) => {
    if (v !== 0) lit.push([Math.floor(o / (size * size)), Math.floor(o / size) % size, o % size]);
  });
  return lit;
}

const dist = (p: readonly number[], c: readonly number[]) =>
  Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]);

describe('shapes3d', () => {
  it('has the stated shapes, dtypes and balanced labels', () => {
    const d = shapes3d(random.key(1), { n: 50 });
    expect(d.x.shape).toEqual([50, 1, 16, 16, 16]);
    expect(d.x.dtype).toBe('float32');
    expect(d.y.shape).toEqual([50]);
    expect(d.y.dtype).toBe('int32');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 50; i++) counts[d.y.get(i)]++;
    expect(counts.sort()).toEqual([12, 12, 13, 13]);
    expect(d.specs.map((s) => s.kind)).toEqual(Array.from(d.y.data, (l) => SHAPE_CLASSES[l]));
  });

  it('is deterministic for a key and differs between keys', () => {
    const a = shapes3d(random.key(7), { n: 8, size: 8 });
    const b = shapes3d(random.key(7), { n: 8, size: 8 });
    const c = shapes3d(random.key(8), { n: 8, size: 8 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.y.data).toEqual(b.y.data);
    expect(a.x.data).not.toEqual(c.x.data);
  });

  it('renders exactly the voxels inside each shape, at its intensity, when noise is 0', () => {
    const d = shapes3d(random.key(3), { n: 8, noise: 0 });
    d.specs.forEach((spec, s) => {
      for (let i = 0; i < 16; i += 3) {
        for (let j = 0; j < 16; j++) {
          for (let k = 0; k < 16; k++) {
            expect(d.x.get(s, 0, i, j, k)).toBeCloseTo(inside(spec, [i, j, k]) ? spec.intensity : 0, 6);
          }
        }
      }
    });
  });

  it('adds noise of the requested standard deviation', () => {
    const clean = shapes3d(random.key(4), { n: 4, noise: 0 });
    const noisy = shapes3d(random.key(4), { n: 4, noise: 0.3 });
    let s2 = 0;
    for (let i = 0; i < clean.x.size; i++) s2 += (noisy.x.data[i] - clean.x.data[i]) ** 2;
    expect(Math.sqrt(s2 / clean.x.size)).toBeCloseTo(0.3, 1);
  });

  it('keeps every shape inside the volume, within its stated size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), uniforms, fc.constantFrom(8, 16), (label, u, size) => {
        const spec = shapeFromUniforms(label, u, size);
        const lit = litVoxels(spec, size);
        expect(lit.length).toBeGreaterThan(0);
        const eps = 1e-9; // hypot and the generator's squared distances round differently
        for (const p of lit) {
          const r = dist(p, spec.center);
          if (spec.kind === 'sphere') expect(r).toBeLessThanOrEqual(spec.radius + eps);
          if (spec.kind === 'shell') {
            expect(r).toBeLessThanOrEqual(spec.radius + eps);
            expect(r).toBeGreaterThanOrEqual(spec.radius - spec.thickness - eps);
          }
          if (spec.kind === 'cube') {
            const cheb = Math.max(...p.map((v, i) => Math.abs(v - spec.center[i])));
            expect(cheb).toBeLessThanOrEqual(spec.radius + eps);
          }
          if (spec.kind === 'cylinder') {
            const axial = Math.abs(p[spec.axis] - spec.center[spec.axis]);
            expect(axial).toBeLessThanOrEqual(spec.halfLength + eps);
            expect(Math.sqrt(Math.max(0, r * r - axial * axial))).toBeLessThanOrEqual(spec.radius + eps);
          }
        }
        // The whole shape fits: the centre is far enough from every face.
        for (let i = 0; i < 3; i++) {
          const e = spec.kind === 'cylinder' && i === spec.axis ? spec.halfLength : spec.radius;
          expect(spec.center[i] - e).toBeGreaterThanOrEqual(-eps);
          expect(spec.center[i] + e).toBeLessThanOrEqual(size - 1 + eps);
        }
      }),
      FC,
    );
  });

  it('makes shells hollow, solids full, and cylinders longer than wide', () => {
    fc.assert(
      fc.property(uniforms, (u) => {
        const shell = shapeFromUniforms(3, u);
        expect(inside(shell, shell.center)).toBe(false);
        for (const label of [0, 1, 2]) {
          const solid = shapeFromUniforms(label, u);
          expect(inside(solid, solid.center)).toBe(true);
        }
        const cyl = shapeFromUniforms(2, u);
        expect(cyl.halfLength).toBeGreaterThan(cyl.radius);
      }),
      FC,
    );
  });
});
