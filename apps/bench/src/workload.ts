/** A benchmark workload: `setup` builds inputs (and self-checks) outside the timed region. */
export interface Workload {
  id: string;
  name: string;
  /** Elements processed per run, to report throughput. */
  elements?: number;
  /** FLOPs per run, when the workload defines them. */
  flops?: number;
  setup(): () => unknown;
}
