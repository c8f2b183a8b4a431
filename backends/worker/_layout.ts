/**
 * Layout primitives, tiled by ranges of output elements: `broadcastTo`, `transpose` and `slice`
 * (one strided gather), `pad`, `concat`, `cast` and `oneHot`. Works for every dtype.
 * @module
 */

import type { Helpers, WalkData } from "./_helpers.ts";
import { elementTiles, makeJob, type PlanCfg, type PlanIn } from "./_plan.ts";
import { broadcastStrides, planWalk, sizeOf, stridesOf } from "./_strides.ts";
import type { Job, TileEnv, Tiles } from "./_types.ts";
import type { OutInfo } from "../../core/primitives.ts";

type Arr = Float32Array | Float64Array | Int32Array;

/** The layout tile functions. Self-contained: copied into the worker source. */
export function layoutTiles(env: TileEnv, h: Helpers): Tiles {
  const input = (job: Job, i: number): Arr => env.view(job.dt[i], job.ins[i], job.sizes[i]);
  const output = (job: Job): Arr => {
    const n = job.ins.length;
    return env.view(job.dt[n], job.out, job.sizes[n]);
  };
  return {
    gather(job, t) {
      const x = input(job, 0), out = output(job);
      const walk = job.p.walk as WalkData;
      const s = walk.rowStrides[0];
      const base = job.p.base as number;
      h.forRange(walk, [base], job.starts[t], job.starts[t + 1], (o, off, n, rows, st) => {
        let i = off[0];
        for (let r = 0; r < rows; r++, i += st[0], o += n) {
          if (s === 1) {
            for (let k = 0; k < n; k++) out[o + k] = x[i + k];
          } else {
            for (let k = 0; k < n; k++) out[o + k] = x[i + k * s];
          }
        }
      });
    },
    pad(job, t) {
      // Fill the range with the value, then copy every row of x that lands in it.
      const x = input(job, 0), out = output(job);
      const o0 = job.starts[t], o1 = job.starts[t + 1];
      out.fill(job.p.value as number, o0, o1);
      const walk = job.p.walk as WalkData;
      const s = walk.rowStrides[0];
      const rows = job.sizes[0] / Math.max(1, walk.rowLen);
      h.forRange(walk, [job.p.base as number], 0, rows * walk.rowLen, (i, off, n, cnt, st) => {
        for (let r = 0; r < cnt; r++, i += n) {
          const first = off[0] + r * st[0], last = first + (n - 1) * s;
          if (last < o0 || first >= o1) continue;
          const k0 = first >= o0 ? 0 : Math.ceil((o0 - first) / s);
          const k1 = last < o1 ? n : Math.floor((o1 - 1 - first) / s) + 1;
          for (let k = k0; k < k1; k++) out[first + k * s] = x[i + k];
        }
      });
    },
    concat(job, t) {
      const out = output(job);
      const o0 = job.starts[t], o1 = job.starts[t + 1];
      const inners = job.p.inners as number[], outInner = job.p.outInner as number;
      const g0 = Math.floor(o0 / Math.max(1, outInner));
      for (let g = g0; g * outInner < o1 && outInner > 0; g++) {
        let offset = g * outInner;
        for (let i = 0; i < inners.length; i++) {
          const inner = inners[i];
          const lo = Math.max(offset, o0), hi = Math.min(offset + inner, o1);
          if (lo < hi) {
            const x = input(job, i), src = g * inner - offset;
            for (let o = lo; o < hi; o++) out[o] = x[src + o];
          }
          offset += inner;
        }
      }
    },
    cast(job, t) {
      const x = input(job, 0), out = output(job);
      const o0 = job.starts[t], o1 = job.starts[t + 1];
      out.set(x.subarray(o0, o1), o0);
    },
    oneHot(job, t) {
      const idx = input(job, 0), out = output(job);
      const depth = job.p.depth as number;
      const o0 = job.starts[t], o1 = job.starts[t + 1];
      out.fill(0, o0, o1);
      for (let i = Math.floor(o0 / depth); i * depth < o1; i++) {
        const k = idx[i], pos = i * depth + k;
        if (k >= 0 && k < depth && pos >= o0 && pos < o1) out[pos] = 1;
      }
    },
  };
}

/** Plans a strided gather of `x` into the dense `out` (`strides` per output axis from `base`). */
function gather(
  prim: string,
  x: PlanIn,
  out: OutInfo,
  base: number,
  strides: readonly number[],
  cfg: PlanCfg,
): Job {
  const n = sizeOf(out.shape);
  const walk = planWalk(out.shape, [strides]);
  return makeJob("gather", prim, [x], out, { walk, base }, elementTiles(cfg, n), n);
}

/** Plans `broadcastTo`. */
export function planBroadcastTo(
  [x]: readonly PlanIn[],
  _attrs: Record<never, never>,
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  return gather("broadcastTo", x, out, 0, broadcastStrides(x.shape, out.shape), cfg);
}

/** Plans `transpose`. */
export function planTranspose(
  [x]: readonly PlanIn[],
  { perm }: { readonly perm: readonly number[] },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const strides = stridesOf(x.shape);
  return gather("transpose", x, out, 0, perm.map((p) => strides[p]), cfg);
}

/** Plans `slice`. */
export function planSlice(
  [x]: readonly PlanIn[],
  { begin }: { readonly begin: readonly number[] },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let ax = 0; ax < strides.length; ax++) base += begin[ax] * strides[ax];
  return gather("slice", x, out, base, strides, cfg);
}

/** Plans `pad`. */
export function planPad(
  [x]: readonly PlanIn[],
  { paddings, value }: {
    readonly paddings: readonly (readonly [number, number])[];
    readonly value: number;
  },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const outStrides = stridesOf(out.shape);
  let base = 0;
  for (let ax = 0; ax < outStrides.length; ax++) base += paddings[ax][0] * outStrides[ax];
  const walk = planWalk(x.shape, [outStrides]);
  const n = sizeOf(out.shape);
  return makeJob("pad", "pad", [x], out, { walk, base, value }, elementTiles(cfg, n), n);
}

/** Plans `concat`. */
export function planConcat(
  xs: readonly PlanIn[],
  { axis }: { readonly axis: number },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const n = sizeOf(out.shape);
  const p = {
    inners: xs.map((x) => sizeOf(x.shape.slice(axis))),
    outInner: sizeOf(out.shape.slice(axis)),
  };
  return makeJob("concat", "concat", xs, out, p, elementTiles(cfg, n), n);
}

/** Plans `cast`. */
export function planCast(
  [x]: readonly PlanIn[],
  _attrs: Record<never, never>,
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const n = sizeOf(out.shape);
  return makeJob("cast", "cast", [x], out, {}, elementTiles(cfg, n), n);
}

/** Plans `oneHot`: tiles hold whole rows of `depth`. */
export function planOneHot(
  [x]: readonly PlanIn[],
  { depth }: { readonly depth: number },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const rows = sizeOf(x.shape);
  const starts = elementTiles(cfg, rows).map((s) => s * depth);
  return makeJob("oneHot", "oneHot", [x], out, { depth }, starts, rows * depth);
}
