/**
 * Timing one workload on one backend: warm-up runs, then repeated timed runs, and their median.
 * @module
 */

import type { RepPlan } from "./args.ts";

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median: needs at least one value, but got none");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** What {@linkcode measure} found. */
export interface Measurement {
  /** The median of the timed runs, in milliseconds. */
  readonly medianMs: number;
  /** Every timed run, in milliseconds, in order. */
  readonly timesMs: readonly number[];
  /** The number of warm-up runs made. */
  readonly warmups: number;
}

/**
 * Runs `run` per `plan`: up to `plan.warmup` warm-ups (the first always, the next ones only
 * while the warm-ups took less than `plan.warmupMs`); then timed runs until `plan.maxReps`, or
 * until `plan.budgetMs` has passed once `plan.minReps` are done. `run` must resolve only when
 * its work is complete (results read back). `now` is the clock (for tests).
 */
export async function measure(
  run: () => Promise<void>,
  plan: RepPlan,
  now: () => number = () => performance.now(),
): Promise<Measurement> {
  const warmStart = now();
  let warmups = 0;
  while (warmups < plan.warmup && (warmups === 0 || now() - warmStart < plan.warmupMs)) {
    await run();
    warmups++;
  }
  const timesMs: number[] = [];
  const start = now();
  while (timesMs.length < plan.maxReps) {
    if (timesMs.length >= plan.minReps && now() - start >= plan.budgetMs) break;
    const t0 = now();
    await run();
    timesMs.push(now() - t0);
  }
  return { medianMs: median(timesMs), timesMs, warmups };
}
