/**
 * Elementwise primitives: `unary`, `binary` and `where` (with broadcasting), tiled by ranges of
 * output elements. Each tile walks its range one contiguous row at a time (see `forRange`), with
 * the op chosen once per row. Works for every dtype.
 * @module
 */

import type { Helpers, WalkData } from "./_helpers.ts";
import { elementTiles, makeJob, type PlanCfg, type PlanIn } from "./_plan.ts";
import { broadcastStrides, planWalk, sizeOf } from "./_strides.ts";
import type { Job, TileEnv, Tiles } from "./_types.ts";
import type { BinaryOp, OutInfo, UnaryOp } from "../../core/primitives.ts";

type Arr = Float32Array | Float64Array | Int32Array;

/** The elementwise tile functions. Self-contained: copied into the worker source. */
export function elementwiseTiles(env: TileEnv, h: Helpers): Tiles {
  const sigmoid = (x: number): number => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  };
  const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN);

  function unaryRange(op: UnaryOp, x: Arr, out: Arr, i0: number, i1: number): void {
    switch (op) {
      case "neg":
        for (let i = i0; i < i1; i++) out[i] = -x[i];
        return;
      case "abs":
        for (let i = i0; i < i1; i++) out[i] = Math.abs(x[i]);
        return;
      case "sign":
        for (let i = i0; i < i1; i++) out[i] = sign(x[i]);
        return;
      case "step":
        for (let i = i0; i < i1; i++) out[i] = x[i] > 0 ? 1 : 0;
        return;
      case "exp":
        for (let i = i0; i < i1; i++) out[i] = Math.exp(x[i]);
        return;
      case "log":
        for (let i = i0; i < i1; i++) out[i] = Math.log(x[i]);
        return;
      case "sqrt":
        for (let i = i0; i < i1; i++) out[i] = Math.sqrt(x[i]);
        return;
      case "square":
        for (let i = i0; i < i1; i++) out[i] = x[i] * x[i];
        return;
      case "reciprocal":
        for (let i = i0; i < i1; i++) out[i] = 1 / x[i];
        return;
      case "relu":
        for (let i = i0; i < i1; i++) out[i] = x[i] > 0 ? x[i] : 0;
        return;
      case "sigmoid":
        for (let i = i0; i < i1; i++) out[i] = sigmoid(x[i]);
        return;
      case "tanh":
        for (let i = i0; i < i1; i++) out[i] = Math.tanh(x[i]);
        return;
    }
  }

  /**
   * A block of `rows` rows of `n` elements: `out[o + r n + t] = op(a[ia + r ra + t sa],
   * b[ib + r rb + t sb])`. Comparisons give 1 or 0.
   */
  function binaryBlock(
    op: BinaryOp,
    a: Arr,
    ia: number,
    sa: number,
    ra: number,
    b: Arr,
    ib: number,
    sb: number,
    rb: number,
    out: Arr,
    o: number,
    n: number,
    rows: number,
  ): void {
    for (let r = 0; r < rows; r++, ia += ra, ib += rb, o += n) {
      switch (op) {
        case "add":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] + b[ib + t * sb];
          break;
        case "sub":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] - b[ib + t * sb];
          break;
        case "mul":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] * b[ib + t * sb];
          break;
        case "div":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] / b[ib + t * sb];
          break;
        case "pow":
          for (let t = 0; t < n; t++) out[o + t] = Math.pow(a[ia + t * sa], b[ib + t * sb]);
          break;
        case "maximum":
          for (let t = 0; t < n; t++) out[o + t] = Math.max(a[ia + t * sa], b[ib + t * sb]);
          break;
        case "minimum":
          for (let t = 0; t < n; t++) out[o + t] = Math.min(a[ia + t * sa], b[ib + t * sb]);
          break;
        case "greater":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] > b[ib + t * sb] ? 1 : 0;
          break;
        case "greaterEqual":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] >= b[ib + t * sb] ? 1 : 0;
          break;
        case "equal":
          for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] === b[ib + t * sb] ? 1 : 0;
          break;
      }
    }
  }

  const input = (job: Job, i: number): Arr => env.view(job.dt[i], job.ins[i], job.sizes[i]);
  const output = (job: Job): Arr => {
    const n = job.ins.length;
    return env.view(job.dt[n], job.out, job.sizes[n]);
  };

  return {
    unary(job, t) {
      unaryRange(job.p.op as UnaryOp, input(job, 0), output(job), job.starts[t], job.starts[t + 1]);
    },
    binary(job, t) {
      const a = input(job, 0), b = input(job, 1), out = output(job);
      const walk = job.p.walk as WalkData, op = job.p.op as BinaryOp;
      const [sa, sb] = walk.rowStrides;
      h.forRange(walk, [0, 0], job.starts[t], job.starts[t + 1], (o, off, len, rows, st) => {
        binaryBlock(op, a, off[0], sa, st[0], b, off[1], sb, st[1], out, o, len, rows);
      });
    },
    where(job, t) {
      const c = input(job, 0), a = input(job, 1), b = input(job, 2), out = output(job);
      const walk = job.p.walk as WalkData;
      const [sc, sa, sb] = walk.rowStrides;
      h.forRange(walk, [0, 0, 0], job.starts[t], job.starts[t + 1], (o, off, len, rows, st) => {
        let ic = off[0], ia = off[1], ib = off[2];
        for (let r = 0; r < rows; r++, ic += st[0], ia += st[1], ib += st[2], o += len) {
          for (let i = 0; i < len; i++) {
            out[o + i] = c[ic + i * sc] !== 0 ? a[ia + i * sa] : b[ib + i * sb];
          }
        }
      });
    },
  };
}

/** Plans `unary`. */
export function planUnary(
  [x]: readonly PlanIn[],
  attrs: { readonly op: UnaryOp },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const n = sizeOf(out.shape);
  const cost = ["exp", "log", "sigmoid", "tanh"].includes(attrs.op) ? 8 : 1;
  return makeJob(
    "unary",
    "unary",
    [x],
    out,
    { op: attrs.op },
    elementTiles(cfg, n, cost),
    n * cost,
  );
}

/** Plans `binary`. */
export function planBinary(
  [a, b]: readonly PlanIn[],
  attrs: { readonly op: BinaryOp },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const n = sizeOf(out.shape);
  const walk = planWalk(out.shape, [
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
  ]);
  const cost = attrs.op === "pow" ? 8 : 1;
  const p = { op: attrs.op, walk };
  return makeJob("binary", "binary", [a, b], out, p, elementTiles(cfg, n, cost), n * cost);
}

/** Plans `where`. */
export function planWhere(
  ins: readonly PlanIn[],
  _attrs: Record<never, never>,
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const n = sizeOf(out.shape);
  const walk = planWalk(out.shape, ins.map((i) => broadcastStrides(i.shape, out.shape)));
  return makeJob("where", "where", ins, out, { walk }, elementTiles(cfg, n), n);
}
