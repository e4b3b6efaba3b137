/**
 * Convolution throughput on one core: median time and GFLOP/s of float32 conv3d forward and
 * forward+backward (input, weight and bias gradients) for x [4, 8, 16, 32, 32], w [16, 8, 3, 3, 3],
 * padding 1 (the benchmark app's W1/W2), and conv2d x [4, 32, 32, 32], w [64, 32, 3, 3] (W5).
 * FLOPs = 2·N·Cout·prod(out)·Cin·prod(kernel); forward+backward counts 3× that.
 * Run: `npx tsx --conditions=@lucid-ts/source packages/ops/bench/conv.bench.ts [runs]`.
 */
import { NDArray } from '@lucid-ts/ndarray';
import { conv2d, conv3d } from '../src/ops/conv.js';
import { sum } from '../src/ops/sum.js';
import { grad } from '../src/transforms/grad.js';

const runs = Number(process.argv[2] ?? 7);

function random(shape: number[]): NDArray {
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return new NDArray(data, shape);
}

function time(f: () => unknown): { median: number; min: number } {
  f(); // warm-up: lets the JIT optimise the hot loops
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

function report(name: string, flops: number, f: () => unknown): void {
  const { median, min } = time(f);
  console.log(
    `${name}: median ${median.toFixed(1)} ms, ${(flops / (median * 1e6)).toFixed(2)} GFLOP/s (min ${min.toFixed(1)} ms, ${runs} runs)`,
  );
}

type Conv = typeof conv3d;

function workload(name: string, conv: Conv, xShape: number[], wShape: number[]): void {
  const x = random(xShape);
  const w = random(wShape);
  const b = random([wShape[0]]);
  const y = conv(x, w, b, { padding: 1 });
  const k = wShape.slice(1).reduce((p, d) => p * d, 1); // Cin/groups · prod(kernel)
  const flops = 2 * y.size * k;
  report(`${name} forward`, flops, () => conv(x, w, b, { padding: 1 }));
  const loss = (xx: NDArray, ww: NDArray, bb: NDArray) => sum(conv(xx, ww, bb, { padding: 1 }));
  const g = grad(loss, { argnums: [0, 1, 2] });
  report(`${name} forward+backward`, 3 * flops, () => g(x, w, b));
}

workload('conv3d float32 x[4,8,16,32,32] w[16,8,3,3,3]', conv3d, [4, 8, 16, 32, 32], [16, 8, 3, 3, 3]);
workload('conv2d float32 x[4,32,32,32] w[64,32,3,3]', conv2d, [4, 32, 32, 32], [64, 32, 3, 3]);
