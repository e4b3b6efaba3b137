/**
 * Matrix-multiply kernel throughput on one core: median time and GFLOP/s of float32 C = A·B for square
 * sizes. Run: `npx tsx --conditions=@lucid-ts/source packages/ops/bench/matmul.bench.ts [runs]`.
 */
import { NDArray } from '@lucid-ts/ndarray';
import { matmulKernel } from '../src/kernels/matmul.js';

const runs = Number(process.argv[2] ?? 7);

function random(n: number): NDArray {
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return new NDArray(data, [n, n]);
}

for (const n of [256, 512, 1024]) {
  const a = random(n);
  const b = random(n);
  matmulKernel(a, b); // warm-up: lets the JIT optimise the hot loops
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    matmulKernel(a, b);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)];
  const gflops = (2 * n ** 3) / (median * 1e6);
  console.log(
    `float32 ${n}³: median ${median.toFixed(1)} ms, ${gflops.toFixed(2)} GFLOP/s (min ${times[0].toFixed(1)} ms, ${runs} runs)`,
  );
}
