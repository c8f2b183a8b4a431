/**
 * The speed bars of issue 4, evaluated as ratios within one run: worker thread scaling, worker
 * against tfjs-cpu, worker against tfjs-wasm.
 * @module
 */

import { formatNumber, type Result } from "./report.ts";
import { WORKLOAD_NAMES, type WorkloadName } from "./workloads.ts";

/** Whether a bar is met, missed, or cannot be judged from this run. */
export type BarStatus = "met" | "not met" | "n/a";

/** One bar checked against a run. */
export interface BarCheck {
  /** What is compared, e.g. `"worker 2 threads vs 1 thread on matmul-1024"`. */
  readonly bar: string;
  /** How many times faster the first is than the second, when both were measured. */
  readonly ratio: number | undefined;
  /** The ratio the bar asks for at least. */
  readonly target: number;
  /** The verdict. */
  readonly status: BarStatus;
  /** Why the bar cannot be judged (`n/a` only). */
  readonly note?: string;
}

/** Workloads on which 2 worker threads must be at least 1.8x as fast as 1. */
export const SCALING_WORKLOADS: readonly WorkloadName[] = [
  "matmul-1024",
  "conv-vgg",
  "train-step-base",
];

/** Workloads on which the worker must be ahead of tfjs-wasm. */
export const WASM_WORKLOADS: readonly WorkloadName[] = ["conv-base2", "conv-vgg", "matmul-1024"];

/** The ratios the bars ask for. */
export const TARGETS: Readonly<{ scaling: number; tfjsCpu: number; tfjsWasm: number }> = {
  scaling: 1.8,
  tfjsCpu: 8,
  tfjsWasm: 1,
};

function find(
  results: readonly Result[],
  workload: WorkloadName,
  backend: Result["backend"],
  threads?: number,
): Result | undefined {
  return results.find((r) =>
    r.workload === workload && r.backend === backend &&
    (threads === undefined || r.threads === threads)
  );
}

function check(
  bar: string,
  target: number,
  fast: Result | undefined,
  slow: Result | undefined,
  what: [string, string],
): BarCheck {
  const [fastName, slowName] = what;
  if (!fast || fast.medianMs === null) {
    return { bar, ratio: undefined, target, status: "n/a", note: `${fastName} not measured` };
  }
  if (!slow || slow.medianMs === null) {
    const why = slow?.missing !== undefined ? `missing (${slow.missing})` : "not measured";
    return { bar, ratio: undefined, target, status: "n/a", note: `${slowName} ${why}` };
  }
  const ratio = slow.medianMs / fast.medianMs;
  return { bar, ratio, target, status: ratio >= target ? "met" : "not met" };
}

/**
 * Evaluates the bars on the workloads present in `results`. The worker is judged at its
 * largest thread count in the run (the hardware concurrency), its scaling against its 1-thread
 * row. A bar whose rows are absent or missing is `n/a`.
 */
export function evaluateBars(results: readonly Result[]): BarCheck[] {
  const present = WORKLOAD_NAMES.filter((w) => results.some((r) => r.workload === w));
  const workerThreads = results.filter((r) => r.backend === "worker").map((r) => r.threads);
  const top = workerThreads.length > 0 ? Math.max(...workerThreads) : undefined;
  const topName = `worker ${top ?? "N"} threads`;
  const checks: BarCheck[] = [];
  for (const w of SCALING_WORKLOADS.filter((s) => present.includes(s))) {
    const bar = `${topName} vs 1 thread on ${w}`;
    if (top === undefined || top < 2) {
      const note = top === undefined ? "worker not measured" : "only 1 thread available";
      checks.push({ bar, ratio: undefined, target: TARGETS.scaling, status: "n/a", note });
      continue;
    }
    const fast = find(results, w, "worker", top);
    checks.push(check(bar, TARGETS.scaling, fast, find(results, w, "worker", 1), [
      topName,
      "worker 1 thread",
    ]));
  }
  for (const w of present) {
    const fast = top === undefined ? undefined : find(results, w, "worker", top);
    checks.push(
      check(`worker vs tfjs-cpu on ${w}`, TARGETS.tfjsCpu, fast, find(results, w, "tfjs-cpu"), [
        "worker",
        "tfjs-cpu",
      ]),
    );
  }
  for (const w of WASM_WORKLOADS.filter((s) => present.includes(s))) {
    const fast = top === undefined ? undefined : find(results, w, "worker", top);
    checks.push(
      check(`worker vs tfjs-wasm on ${w}`, TARGETS.tfjsWasm, fast, find(results, w, "tfjs-wasm"), [
        "worker",
        "tfjs-wasm",
      ]),
    );
  }
  return checks;
}

/**
 * The bars as text: a count, then one line each, e.g.
 * `[met]     worker 2 threads vs 1 thread on conv-vgg: 1.93x (>= 1.8x)`; one line when the
 * worker was not measured at all.
 */
export function formatBars(checks: readonly BarCheck[]): string {
  if (checks.length > 0 && checks.every((c) => c.note === "worker not measured")) {
    return `bars: none judged (the worker backend was not measured; ${checks.length} bars apply)`;
  }
  const met = checks.filter((c) => c.status === "met").length;
  const judged = checks.filter((c) => c.status !== "n/a").length;
  const lines = checks.map((c) => {
    const tag = `[${c.status}]`.padEnd(10);
    const want = c.target === 1 ? ">= 1x: ahead" : `>= ${c.target}x`;
    const got = c.ratio === undefined
      ? `n/a: ${c.note ?? "not measured"}`
      : `${formatNumber(c.ratio)}x`;
    return `${tag}${c.bar}: ${got} (${want})`;
  });
  return [`bars met: ${met} of ${judged} judged (${checks.length} in all)`, ...lines].join("\n");
}
