/**
 * fast-check settings shared by every property test: a pinned seed and run count, overridable
 * with `FC_SEED` and `FC_RUNS` to replay or widen a run. A failure prints `{ seed, path }`.
 * @module
 */

import fc from "fast-check";

export { fc };

function envInt(name: string): number | undefined {
  let raw: string | undefined;
  try {
    raw = Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: use the pinned defaults
  }
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be an integer, but got "${raw}"`);
  return n;
}

/** The pinned default seed. */
export const DEFAULT_SEED = 20261122;

/** Parameters for `fc.assert`: the pinned seed (or `FC_SEED`) and `numRuns` (or `FC_RUNS`). */
export function fcParams(numRuns = 50): { seed: number; numRuns: number } {
  return { seed: envInt("FC_SEED") ?? DEFAULT_SEED, numRuns: envInt("FC_RUNS") ?? numRuns };
}

/**
 * A value in [-1, 1] on a grid of 1/1000, never a denormal-sized float (see FIELD-NOTES: plain
 * `fc.double` draws |x| < 1e-6 most of the time).
 */
export const gridValue: fc.Arbitrary<number> = fc.integer({ min: -1000, max: 1000 }).map((i) =>
  i / 1000
);
