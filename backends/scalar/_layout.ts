/**
 * Layout kernels: `transpose`, `slice`, `pad`, `concat`, `cast` and `oneHot`. The strided ones
 * are one `gather` (or its mirror image, a strided scatter for `pad`).
 * @module
 */

import { allocate, type TypedArray } from "../../core/dtype.ts";
import type { Kernel } from "../../core/primitives.ts";
import { forEachRow, gather, planWalk, sizeOf, stridesOf } from "./_strides.ts";

/** Permutes axes: output axis `i` is axis `perm[i]` of `x`. */
export const transpose: Kernel<TypedArray, "transpose"> = ([x], { perm }, out) => {
  const strides = stridesOf(x.shape);
  return gather(x.handle, 0, perm.map((p) => strides[p]), out.shape, out.dtype);
};

/** The block of `x` that starts at `begin` and has size `out.shape`. */
export const slice: Kernel<TypedArray, "slice"> = ([x], { begin }, out) => {
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let ax = 0; ax < strides.length; ax++) base += begin[ax] * strides[ax];
  return gather(x.handle, base, strides, out.shape, out.dtype);
};

/** `x` surrounded by `value`: `paddings[i] = [before, after]` cells on axis `i`. */
export const pad: Kernel<TypedArray, "pad"> = ([x], { paddings, value }, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  if (value !== 0) res.fill(value);
  // Walk x in order and write each row to its place inside the output.
  const outStrides = stridesOf(out.shape);
  let base = 0;
  for (let ax = 0; ax < outStrides.length; ax++) base += paddings[ax][0] * outStrides[ax];
  const walk = planWalk(x.shape, [outStrides]);
  const s = walk.rowStrides[0];
  const n = walk.rowLen;
  const data = x.handle;
  forEachRow(walk, [base], (r, off) => {
    const i = r * n, o = off[0];
    for (let t = 0; t < n; t++) res[o + t * s] = data[i + t];
  });
  return res;
};

/** Joins the inputs along `axis`; every other size agrees. */
export const concat: Kernel<TypedArray, "concat"> = (xs, { axis }, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  const outer = sizeOf(out.shape.slice(0, axis));
  const outInner = sizeOf(out.shape.slice(axis));
  let offset = 0; // where the current input's block starts within one output slab
  for (const x of xs) {
    const inner = sizeOf(x.shape.slice(axis));
    const data = x.handle;
    for (let o = 0; o < outer; o++) {
      const src = o * inner, dst = o * outInner + offset;
      for (let t = 0; t < inner; t++) res[dst + t] = data[src + t];
    }
    offset += inner;
  }
  return res;
};

/**
 * Converts `x` to `out.dtype` as a typed-array store does: float to int32 truncates toward zero
 * (NaN gives 0, out-of-range values wrap modulo 2^32), float64 to float32 rounds to nearest.
 */
export const cast: Kernel<TypedArray, "cast"> = ([x], _attrs, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  res.set(x.handle);
  return res;
};

/**
 * One-hot encoding: int32 `indices` `[...s]` give `[...s, depth]` in `out.dtype`, 1 at the index
 * and 0 elsewhere; an index outside `[0, depth)` gives a row of zeros.
 */
export const oneHot: Kernel<TypedArray, "oneHot"> = ([indices], { depth }, out) => {
  const res = allocate(out.dtype, sizeOf(out.shape));
  const idx = indices.handle;
  for (let i = 0, count = sizeOf(indices.shape); i < count; i++) {
    const k = idx[i];
    if (k >= 0 && k < depth) res[i * depth + k] = 1;
  }
  return res;
};
