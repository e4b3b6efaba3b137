/** FLOP counts of WORKLOADS.md. */
export function convFlops(
  n: number,
  cout: number,
  outSpatial: readonly number[],
  cin: number,
  kernel: readonly number[],
): number {
  const o = outSpatial.reduce((a, b) => a * b, 1);
  const k = kernel.reduce((a, b) => a * b, 1);
  return 2 * n * cout * o * cin * k;
}
/** W1: 2·N·Cout·Do·Ho·Wo·Cin·k³. */
export const w1Flops = (
  n: number,
  cin: number,
  cout: number,
  d: number,
  h: number,
  w: number,
  k: number,
): number => convFlops(n, cout, [d, h, w], cin, [k, k, k]);
/** W2: 3 × W1. */
export const w2Flops = (
  n: number,
  cin: number,
  cout: number,
  d: number,
  h: number,
  w: number,
  k: number,
): number => 3 * w1Flops(n, cin, cout, d, h, w, k);
/** W5: 3 × conv2d fwd. */
export const w5Flops = (n: number, cin: number, cout: number, h: number, w: number, k: number): number =>
  3 * convFlops(n, cout, [h, w], cin, [k, k]);
/** W8: 2·M·N·K. */
export const matmulFlops = (m: number, n: number, k: number): number => 2 * m * n * k;
