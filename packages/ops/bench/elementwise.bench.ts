// Elementwise arithmetic throughput after every op has run once (the realistic, warmed-up state).
import { zeros } from '@lucid-ts/ndarray';
import { add, div, mul, sub } from '../src/index.js';

const n = 1 << 19;
const a = zeros([n]);
const b = zeros([n]);
for (let i = 0; i < n; i++) {
  a.data[i] = Math.sin(i);
  b.data[i] = 1 + Math.cos(i) ** 2;
}
const ops = { add, sub, mul, div };
for (const f of Object.values(ops)) for (let r = 0; r < 20; r++) f(a, b);
for (const [name, f] of Object.entries(ops)) {
  const times: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    f(a, b);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const med = times[times.length >> 1];
  console.log(
    `${name} float32 [${n}]: median ${med.toFixed(2)} ms, ${(n / med / 1e3).toFixed(0)} M elements/s`,
  );
}
