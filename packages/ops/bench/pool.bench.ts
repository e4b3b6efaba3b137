/**
 * Pooling forward + backward on one core: median time of `y = pool(x)` and `dx = vjp(pool)(ct)` in float32
 * (the benchmark app's workloads W3, W4, W6, W7).
 * Run: `npx tsx --conditions=@lucid-ts/source packages/ops/bench/pool.bench.ts [runs] [float32|float64]`.
 */
import { type DType, NDArray } from '@lucid-ts/ndarray';
import { avgPool1d, avgPool3d, maxPool2d, maxPool3d } from '../src/ops/pool.js';
import { vjp } from '../src/transforms/vjp.js';

const runs = Number(process.argv[2] ?? 9);
const dtype = (process.argv[3] ?? 'float32') as DType;

function random(shape: number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return new NDArray(data, shape);
}

const workloads: [string, number[], (x: NDArray) => NDArray][] = [
  ['W3 maxPool3d k2 s2', [4, 16, 16, 32, 32], (x) => maxPool3d(x, { kernelSize: 2, stride: 2 })],
  [
    'W4 avgPool3d k3 s2 p1',
    [4, 16, 16, 32, 32],
    (x) => avgPool3d(x, { kernelSize: 3, stride: 2, padding: 1 }),
  ],
  ['W6 maxPool2d k2 s2', [8, 64, 64, 64], (x) => maxPool2d(x, { kernelSize: 2, stride: 2 })],
  ['W7 avgPool1d k3 s2 p1', [16, 64, 1024], (x) => avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1 })],
];

function median(f: () => void): { median: number; min: number } {
  for (let i = 0; i < 5; i++) f(); // warm-up: lets the JIT optimise the hot loops
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

for (const [name, shape, pool] of workloads) {
  const x = random(shape);
  const ct = random(pool(x).shape as number[]);
  const both = median(() => {
    const [, pullback] = vjp(pool, x);
    pullback(ct);
  });
  const fwd = median(() => pool(x));
  console.log(
    `${name} ${dtype} x[${shape}]: fwd+bwd median ${both.median.toFixed(1)} ms (min ${both.min.toFixed(1)}), fwd ${fwd.median.toFixed(1)} ms, ${runs} runs`,
  );
}
