/**
 * Helpers the tile functions share, as a self-contained factory: its source is copied into the
 * worker (so it may reference nothing outside its own body but globals), and the main thread
 * calls it directly for inline tiles.
 * @module
 */

import type { GemmDriver } from "./_gemm_driver.ts";
import type { Job, TileEnv } from "./_types.ts";

/** A walk plan as the planners send it (see `_strides.ts`). */
export interface WalkData {
  /** Sizes of the merged outer axes. */
  readonly outer: readonly number[];
  /** Per operand, strides along the outer axes. */
  readonly outerStrides: readonly (readonly number[])[];
  /** Row length. */
  readonly rowLen: number;
  /** Per operand, the stride along the row. */
  readonly rowStrides: readonly number[];
}

/** The helpers every tile gets: these, plus the GEMM driver. */
export type Helpers = BaseHelpers & GemmDriver;

/** The general helpers. */
export interface BaseHelpers {
  /**
   * Visits the positions `[o0, o1)` of a walk in row-major order, a block of whole rows at a
   * time where it can: `visit(o, offsets, len, rows, steps)` gets the position of the block's
   * first element, each operand's offset there (from `bases`), the row length `len`, the number
   * of rows, and each operand's step from one row of the block to the next (output rows are
   * `len` apart). A partial row comes as a block of one row. `offsets` and `steps` are reused.
   */
  forRange(
    walk: WalkData,
    bases: readonly number[],
    o0: number,
    o1: number,
    visit: (o: number, offsets: number[], len: number, rows: number, steps: number[]) => void,
  ): void;
  /** A zero-filled Float64Array of at least `n` elements, reused between calls. */
  f64Scratch(n: number, slot: number): Float64Array;
  /** Combines the partial outputs of a `combine` job into its output, in tile order. */
  combine(job: Job): void;
}

/** Builds the general helpers. Self-contained: copied into the worker source. */
export function helpersFactory(env: TileEnv): BaseHelpers {
  const scratch: Float64Array[] = [];
  const scratchF64 = (n: number, slot: number): Float64Array => {
    let s = scratch[slot];
    if (s === undefined || s.length < n) {
      s = new Float64Array(Math.max(n, 64));
      scratch[slot] = s;
    } else {
      s.fill(0, 0, n);
    }
    return s;
  };
  return {
    combine(job) {
      const n = job.sizes[job.sizes.length - 1], dt = job.dt[job.dt.length - 1];
      const out = env.view(dt, job.out, n), parts = job.starts.length - 1;
      const pdt = job.partDtype ?? "float64", bpe = pdt === "float64" ? 8 : 4;
      const acc = scratchF64(n, 3);
      acc.fill(job.combine === "sum" ? 0 : job.combine === "max" ? -Infinity : Infinity, 0, n);
      for (let t = 0; t < parts; t++) {
        const p = env.view(pdt, job.part! + t * n * bpe, n);
        if (job.combine === "sum") { for (let i = 0; i < n; i++) acc[i] += p[i]; }
        else if (job.combine === "max") {
          for (let i = 0; i < n; i++) acc[i] = Math.max(acc[i], p[i]);
        } else for (let i = 0; i < n; i++) acc[i] = Math.min(acc[i], p[i]);
      }
      for (let i = 0; i < n; i++) out[i] = acc[i];
    },
    forRange(walk, bases, o0, o1, visit) {
      const n = walk.rowLen;
      if (n === 0 || o0 >= o1) return;
      const rank = walk.outer.length, k = bases.length, last = rank - 1;
      const outer = walk.outer, os = walk.outerStrides, rs = walk.rowStrides;
      const idx = new Array<number>(rank).fill(0);
      const offs = bases.slice(), seg = bases.slice();
      const steps = bases.map((_, op) => (rank > 0 ? os[op][last] : 0));
      let r = Math.floor(o0 / n);
      let e = o0 - r * n;
      for (let ax = last; ax >= 0; ax--) {
        const i = r % outer[ax];
        r = (r - i) / outer[ax];
        idx[ax] = i;
        for (let op = 0; op < k; op++) offs[op] += i * os[op][ax];
      }
      let o = o0;
      while (o < o1) {
        for (let op = 0; op < k; op++) seg[op] = offs[op] + e * rs[op];
        let len = n, cnt = 1;
        if (e === 0 && rank > 0 && o1 - o >= n) {
          cnt = Math.min(outer[last] - idx[last], Math.floor((o1 - o) / n));
        } else {
          len = Math.min(n - e, o1 - o);
        }
        visit(o, seg, len, cnt, steps);
        o += len * cnt;
        e = 0;
        if (rank === 0 || o >= o1) break;
        idx[last] += cnt;
        for (let op = 0; op < k; op++) offs[op] += cnt * os[op][last];
        if (idx[last] < outer[last]) continue;
        idx[last] = 0;
        for (let op = 0; op < k; op++) offs[op] -= outer[last] * os[op][last];
        for (let ax = last - 1; ax >= 0; ax--) {
          if (++idx[ax] < outer[ax]) {
            for (let op = 0; op < k; op++) offs[op] += os[op][ax];
            break;
          }
          idx[ax] = 0;
          for (let op = 0; op < k; op++) offs[op] -= os[op][ax] * (outer[ax] - 1);
        }
      }
    },
    f64Scratch: scratchF64,
  };
}
