/**
 * Reduction kernels: `reduce` (sum, max, min over axes) and `argReduce` (argmax, argmin along one
 * axis). Both read the input once, in row-major order.
 * @module
 */

import { allocate, type TypedArray } from "../../core/dtype.ts";
import type { Kernel, ReduceOp } from "../../core/primitives.ts";
import { forEachRow, planWalk, sizeOf } from "./_strides.ts";

/**
 * Folds `n` contiguous elements of `x` from `ix` into `acc` at `ia`, `ia + sa`, ... (or all into
 * `acc[ia]` when `sa` is 0, the case of a reduced innermost axis).
 */
function reduceRow(
  op: ReduceOp,
  x: TypedArray,
  ix: number,
  acc: Float64Array,
  ia: number,
  sa: number,
  n: number,
): void {
  if (sa === 0) {
    let v = acc[ia];
    if (op === "sum") { for (let t = 0; t < n; t++) v += x[ix + t]; }
    else if (op === "max") { for (let t = 0; t < n; t++) v = Math.max(v, x[ix + t]); }
    else for (let t = 0; t < n; t++) v = Math.min(v, x[ix + t]);
    acc[ia] = v;
  } else if (op === "sum") {
    for (let t = 0; t < n; t++) acc[ia + t * sa] += x[ix + t];
  } else if (op === "max") {
    for (let t = 0; t < n; t++) acc[ia + t * sa] = Math.max(acc[ia + t * sa], x[ix + t]);
  } else {
    for (let t = 0; t < n; t++) acc[ia + t * sa] = Math.min(acc[ia + t * sa], x[ix + t]);
  }
}

/**
 * Reduces the (sorted, distinct) `axes` of `x` with `op`; `out.shape` is `x.shape` without them.
 * Partial results are kept in doubles and rounded to `out.dtype` once at the end. A sum over no
 * elements is 0; max and min propagate NaN.
 */
export const reduce: Kernel<TypedArray, "reduce"> = ([x], { op, axes }, out) => {
  const outSize = sizeOf(out.shape);
  const init = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
  const acc = new Float64Array(outSize).fill(init);
  // Walk x in order; the accumulator has stride 0 on reduced axes, its dense stride elsewhere.
  const accStrides = new Array<number>(x.shape.length);
  let s = 1;
  for (let ax = x.shape.length - 1; ax >= 0; ax--) {
    if (axes.includes(ax)) {
      accStrides[ax] = 0;
    } else {
      accStrides[ax] = s;
      s *= x.shape[ax];
    }
  }
  const walk = planWalk(x.shape, [accStrides]);
  const n = walk.rowLen;
  const sa = walk.rowStrides[0];
  forEachRow(walk, [0], (r, off) => reduceRow(op, x.handle, r * n, acc, off[0], sa, n));
  const res = allocate(out.dtype, outSize);
  res.set(acc);
  return res;
};

/**
 * The index along `axis` of the first max (`argmax`) or min (`argmin`) element of `x`, as int32;
 * `out.shape` is `x.shape` without `axis`. Only a strictly better element replaces the current
 * best, so ties go to the first index.
 */
export const argReduce: Kernel<TypedArray, "argReduce"> = ([x], { op, axis }, out) => {
  const data = x.handle;
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const res = allocate(out.dtype, outer * inner);
  const best = new Float64Array(inner);
  const sign = op === "argmax" ? 1 : -1; // argmin is argmax of -x
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    for (let i = 0; i < inner; i++) best[i] = sign * data[base + i];
    // res is zero-filled: index 0 is the first candidate. Inner loop walks contiguous memory.
    for (let p = 1; p < len; p++) {
      const row = base + p * inner;
      for (let i = 0; i < inner; i++) {
        const v = sign * data[row + i];
        if (v > best[i]) {
          best[i] = v;
          res[o * inner + i] = p;
        }
      }
    }
  }
  return res;
};
