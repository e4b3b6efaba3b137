/** Agreement between a peer's result and Lucid.ts's. */
import { maxRelError } from './data.js';
import type { Result } from './workloads/spec.js';

export const TOLERANCE = 1e-3;
export interface Agreement {
  ok: boolean;
  maxRelError: number;
  worst?: string;
}
export function compare(peer: Result, ref: Result): Agreement {
  let err = 0;
  let worst: string | undefined;
  for (const k of Object.keys(ref)) {
    const e = peer[k] ? maxRelError(peer[k], ref[k]) : Number.POSITIVE_INFINITY;
    if (!(e <= err)) {
      err = e;
      worst = k;
    }
  }
  return { ok: err <= TOLERANCE, maxRelError: err, worst };
}
