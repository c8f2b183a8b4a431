/**
 * Elementwise scalar kernels: `unary`, `binary`, `where` and `broadcastTo`. Broadcasting walks the
 * output one contiguous row at a time (see `_strides.ts`); each row is a plain loop with the op
 * chosen once per row, never per element.
 * @module
 */

import { allocate, type TypedArray } from "../../core/dtype.ts";
import type { BinaryOp, Kernel, UnaryOp } from "../../core/primitives.ts";
import { broadcastStrides, forEachRow, gather, planWalk, sizeOf } from "./_strides.ts";

/** The logistic function, written so that neither branch overflows for large `|x|`. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** `sign` with `sign(±0) = 0` and `sign(NaN) = NaN`. */
function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
}

/** Writes `out[i] = op(x[i])` for every `i`. */
function unaryLoop(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const n = out.length;
  switch (op) {
    case "neg":
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case "abs":
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case "sign":
      for (let i = 0; i < n; i++) out[i] = sign(x[i]);
      return;
    case "step":
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : 0;
      return;
    case "exp":
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case "log":
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case "sqrt":
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case "square":
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
    case "reciprocal":
      for (let i = 0; i < n; i++) out[i] = 1 / x[i];
      return;
    case "relu":
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]);
      return;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
  }
}

/** `out[i] = op(x[i])`. */
export const unary: Kernel<TypedArray, "unary"> = ([x], { op }, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  unaryLoop(op, x.handle, res);
  return res;
};

/**
 * One row of a binary op: `out[o + t] = op(a[ia + t * sa], b[ib + t * sb])` for `t < n`.
 * Comparisons give 1 or 0.
 */
function binaryRow(
  op: BinaryOp,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  out: TypedArray,
  o: number,
  n: number,
): void {
  switch (op) {
    case "add":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] + b[ib + t * sb];
      return;
    case "sub":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] - b[ib + t * sb];
      return;
    case "mul":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] * b[ib + t * sb];
      return;
    case "div":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] / b[ib + t * sb];
      return;
    case "pow":
      for (let t = 0; t < n; t++) out[o + t] = Math.pow(a[ia + t * sa], b[ib + t * sb]);
      return;
    case "maximum":
      for (let t = 0; t < n; t++) out[o + t] = Math.max(a[ia + t * sa], b[ib + t * sb]);
      return;
    case "minimum":
      for (let t = 0; t < n; t++) out[o + t] = Math.min(a[ia + t * sa], b[ib + t * sb]);
      return;
    case "greater":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] > b[ib + t * sb] ? 1 : 0;
      return;
    case "greaterEqual":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] >= b[ib + t * sb] ? 1 : 0;
      return;
    case "equal":
      for (let t = 0; t < n; t++) out[o + t] = a[ia + t * sa] === b[ib + t * sb] ? 1 : 0;
      return;
  }
}

/** `out[i] = op(a[i'], b[i''])` with NumPy broadcasting of `a` and `b` to `out.shape`. */
export const binary: Kernel<TypedArray, "binary"> = ([a, b], { op }, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  const walk = planWalk(out.shape, [
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
  ]);
  const [sa, sb] = walk.rowStrides;
  const n = walk.rowLen;
  forEachRow(walk, [0, 0], (r, off) => {
    binaryRow(op, a.handle, off[0], sa, b.handle, off[1], sb, res, r * n, n);
  });
  return res;
};

/** `out[i] = cond[i'] != 0 ? a[i''] : b[i''']`, all three broadcast to `out.shape`. */
export const where: Kernel<TypedArray, "where"> = ([cond, a, b], _attrs, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  const walk = planWalk(out.shape, [
    broadcastStrides(cond.shape, out.shape),
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
  ]);
  const [sc, sa, sb] = walk.rowStrides;
  const n = walk.rowLen;
  const c = cond.handle, x = a.handle, y = b.handle;
  forEachRow(walk, [0, 0, 0], (r, off) => {
    const o = r * n, ic = off[0], ia = off[1], ib = off[2];
    for (let t = 0; t < n; t++) res[o + t] = c[ic + t * sc] !== 0 ? x[ia + t * sa] : y[ib + t * sb];
  });
  return res;
};

/** Repeats `x` along its size-1 (or missing leading) axes to `out.shape`. */
export const broadcastTo: Kernel<TypedArray, "broadcastTo"> = ([x], _attrs, out) =>
  gather(x.handle, 0, broadcastStrides(x.shape, out.shape), out.shape, out.dtype);
