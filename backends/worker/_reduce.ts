/**
 * Reductions, tiled by ranges of output elements: `reduce` (sum, max, min over axes, partial
 * results in doubles) and `argReduce` (first index of the max or min along one axis). The input
 * is viewed as `[A, R, B]` (kept, reduced, kept axes, merged), so each tile reads contiguous rows;
 * several reduced groups take a general strided path. Works for every dtype.
 * @module
 */

import type { Helpers } from "./_helpers.ts";
import { makeJob, type PlanCfg, type PlanIn, tiles } from "./_plan.ts";
import { sizeOf } from "./_strides.ts";
import type { Job, TileEnv, Tiles } from "./_types.ts";
import type { ArgReduceOp, OutInfo, ReduceOp } from "../../core/primitives.ts";

type Arr = Float32Array | Float64Array | Int32Array;

/** One merged axis group of the input: size, stride in elements, reduced or kept. */
interface Group {
  readonly size: number;
  readonly stride: number;
  readonly reduced: boolean;
}

/** The reduction tile functions. Self-contained: copied into the worker source. */
export function reduceTiles(env: TileEnv, h: Helpers): Tiles {
  const input = (job: Job): Arr => env.view(job.dt[0], job.ins[0], job.sizes[0]);
  const output = (job: Job): Arr => env.view(job.dt[1], job.out, job.sizes[1]);
  return {
    reduceARB(job, t) {
      const x = input(job), out = output(job);
      const op = job.p.op as ReduceOp, R = job.p.R as number, B = job.p.B as number;
      const init = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
      const o0 = job.starts[t], o1 = job.starts[t + 1];
      if (B === 1) {
        for (let a = o0; a < o1; a++) {
          let v = init;
          const row = a * R;
          if (op === "sum") { for (let r = 0; r < R; r++) v += x[row + r]; }
          else if (op === "max") { for (let r = 0; r < R; r++) v = Math.max(v, x[row + r]); }
          else for (let r = 0; r < R; r++) v = Math.min(v, x[row + r]);
          out[a] = v;
        }
        return;
      }
      for (let o = o0; o < o1;) {
        const a = Math.floor(o / B), b0 = o - a * B, b1 = Math.min(B, b0 + (o1 - o));
        const n = b1 - b0;
        const acc = h.f64Scratch(n, 0);
        if (init !== 0) acc.fill(init, 0, n);
        for (let r = 0; r < R; r++) {
          const row = (a * R + r) * B + b0;
          if (op === "sum") { for (let b = 0; b < n; b++) acc[b] += x[row + b]; }
          else if (op === "max") {
            for (let b = 0; b < n; b++) acc[b] = Math.max(acc[b], x[row + b]);
          } else for (let b = 0; b < n; b++) acc[b] = Math.min(acc[b], x[row + b]);
        }
        for (let b = 0; b < n; b++) out[o + b] = acc[b];
        o += n;
      }
    },
    reducePartARB(job, t) {
      // Rows [r0, r1) of the reduced axis, for every output, into partial output t.
      const x = input(job);
      const op = job.p.op as ReduceOp, R = job.p.R as number, B = job.p.B as number;
      const n = job.sizes[1], A = n / B;
      const part = env.view("float64", job.part! + t * n * 8, n);
      const init = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
      const r0 = job.starts[t], r1 = job.starts[t + 1];
      const acc = h.f64Scratch(B, 0);
      for (let a = 0; a < A; a++) {
        acc.fill(init, 0, B);
        for (let r = r0; r < r1; r++) {
          const row = (a * R + r) * B;
          if (op === "sum") { for (let b = 0; b < B; b++) acc[b] += x[row + b]; }
          else if (op === "max") {
            for (let b = 0; b < B; b++) acc[b] = Math.max(acc[b], x[row + b]);
          } else for (let b = 0; b < B; b++) acc[b] = Math.min(acc[b], x[row + b]);
        }
        for (let b = 0; b < B; b++) part[a * B + b] = acc[b];
      }
    },
    reduceGeneral(job, t) {
      const x = input(job), out = output(job);
      const op = job.p.op as ReduceOp;
      const groups = job.p.groups as Group[];
      const kept = groups.filter((g) => !g.reduced), red = groups.filter((g) => g.reduced);
      const init = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
      const idx = new Array<number>(red.length).fill(0);
      for (let o = job.starts[t]; o < job.starts[t + 1]; o++) {
        let rem = o, base = 0;
        for (let g = kept.length - 1; g >= 0; g--) {
          const i = rem % kept[g].size;
          rem = (rem - i) / kept[g].size;
          base += i * kept[g].stride;
        }
        let v = init, off = base;
        idx.fill(0);
        for (;;) {
          const e = x[off];
          v = op === "sum" ? v + e : op === "max" ? Math.max(v, e) : Math.min(v, e);
          let g = red.length - 1;
          for (; g >= 0; g--) {
            if (++idx[g] < red[g].size) {
              off += red[g].stride;
              break;
            }
            off -= red[g].stride * (red[g].size - 1);
            idx[g] = 0;
          }
          if (g < 0) break;
        }
        out[o] = v;
      }
    },
    argReduce(job, t) {
      const x = input(job), out = output(job);
      const len = job.p.len as number, inner = job.p.inner as number;
      const sign = job.p.op === "argmax" ? 1 : -1;
      const o0 = job.starts[t], o1 = job.starts[t + 1];
      out.fill(0, o0, o1);
      for (let o = o0; o < o1;) {
        const a = Math.floor(o / inner), i0 = o - a * inner, i1 = Math.min(inner, i0 + (o1 - o));
        const n = i1 - i0, base = a * len * inner + i0;
        const best = h.f64Scratch(n, 1);
        for (let i = 0; i < n; i++) best[i] = sign * x[base + i];
        for (let p = 1; p < len; p++) {
          const row = base + p * inner;
          for (let i = 0; i < n; i++) {
            const v = sign * x[row + i];
            if (v > best[i]) {
              best[i] = v;
              out[o + i] = p;
            }
          }
        }
        o += n;
      }
    },
  };
}

/** Plans `reduce`. */
export function planReduce(
  [x]: readonly PlanIn[],
  attrs: { readonly op: ReduceOp; readonly axes: readonly number[] },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  // Merge neighbouring axes of the same kind, dropping size-1 axes.
  const groups: { size: number; stride: number; reduced: boolean }[] = [];
  let stride = 1;
  for (let ax = x.shape.length - 1; ax >= 0; ax--) {
    const size = x.shape[ax], reduced = attrs.axes.includes(ax);
    if (size !== 1) {
      const last = groups[0];
      if (last !== undefined && last.reduced === reduced) last.size *= size;
      else groups.unshift({ size, stride, reduced });
    }
    stride *= size;
  }
  const n = sizeOf(out.shape), work = Math.max(n, sizeOf(x.shape));
  const reducedGroups = groups.filter((g) => g.reduced).length;
  const perOut = work / Math.max(1, n);
  if (reducedGroups <= 1) {
    const r = groups.findIndex((g) => g.reduced);
    const R = r < 0 ? 1 : groups[r].size;
    const B = r < 0 ? 1 : sizeOf(groups.slice(r + 1).map((g) => g.size));
    const starts = tiles(cfg, n, 1, perOut);
    if (
      cfg.partials && starts.length - 1 < 2 * cfg.threads && R >= 64 && work >= 4 * cfg.minTileWork
    ) {
      // Few outputs, long reductions: split the reduced axis, then combine the partials.
      const p = { op: attrs.op, R, B };
      const parts = tiles(cfg, R, 1, n);
      const job = makeJob("reducePartARB", "reduce", [x], out, p, parts, work);
      return { ...job, combine: attrs.op, partDtype: "float64" };
    }
    return makeJob("reduceARB", "reduce", [x], out, { op: attrs.op, R, B }, starts, work);
  }
  const starts = tiles(cfg, n, 1, perOut);
  return makeJob("reduceGeneral", "reduce", [x], out, { op: attrs.op, groups }, starts, work);
}

/** Plans `argReduce`. */
export function planArgReduce(
  [x]: readonly PlanIn[],
  attrs: { readonly op: ArgReduceOp; readonly axis: number },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const len = x.shape[attrs.axis];
  const inner = sizeOf(x.shape.slice(attrs.axis + 1));
  const n = sizeOf(out.shape);
  const p = { op: attrs.op, len, inner };
  return makeJob("argReduce", "argReduce", [x], out, p, tiles(cfg, n, 1, len), n * len);
}
