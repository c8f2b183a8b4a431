/**
 * Helpers shared by the op frontends: argument checks and the raw (unvalidated) kernel calls that
 * VJPs are built from.
 * @module
 */

import { type DType, isFloatDType } from "../dtype.ts";
import { show } from "../errors.ts";
import type { Shape, UnaryOp } from "../primitives.ts";
import { runKernel } from "../_run.ts";
import { broadcastReductionAxes, sizeOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** Throws a `TypeError` unless `value` is a live Tensor. */
export function checkTensor(op: string, arg: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(
      `${op}: ${arg} must be a Tensor, but got ${
        value === null ? "null" : Array.isArray(value) ? "an array" : typeof value
      }`,
    );
  }
  if (!value.isAlive) {
    throw new TypeError(`${op}: ${arg} was disposed (shape [${value.shape.join(", ")}])`);
  }
  return value;
}

/** Throws unless `t` has a floating-point dtype. */
export function checkFloat(op: string, arg: string, t: Tensor): void {
  if (!isFloatDType(t.dtype)) {
    throw new TypeError(
      `${op}: ${arg} must have a floating-point dtype (float32 or float64), but has ${t.dtype}`,
    );
  }
}

/** Throws unless `t` has rank `rank`; `layout` names the axes, e.g. `[n, h, w, c]`. */
export function checkRank(op: string, arg: string, t: Tensor, rank: number, layout: string): void {
  if (t.rank !== rank) {
    throw new TypeError(
      `${op}: ${arg} must have rank ${rank} (${layout}), but has shape ${show(t.shape)}`,
    );
  }
}

/** Throws unless `a` and `b` share a dtype. */
export function checkSameDType(op: string, names: [string, string], a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: ${names[0]} and ${names[1]} must have the same dtype, but ${
        names[0]
      } is ${a.dtype} and ${names[1]} is ${b.dtype}`,
    );
  }
}

/** A tensor argument, or a number converted to a scalar tensor shaped for `like`. */
export function tensorOrScalar(op: string, arg: string, value: unknown, like: Tensor): Tensor {
  if (typeof value === "number") return scalarLike(value, like);
  return checkTensor(op, arg, value);
}

/** A rank-0 tensor holding `value` with the dtype and backend of `like`. */
export function scalarLike(value: number, like: Tensor, dtype: DType = like.dtype): Tensor {
  const backend = like.backend;
  const data = dtype === "float64"
    ? new Float64Array([value])
    : dtype === "int32"
    ? new Int32Array([value])
    : new Float32Array([value]);
  return new Tensor(backend, backend.upload(data, [], dtype), [], dtype);
}

/** Reshape without validation (the size must match). Shares the data. */
export function rawReshape(x: Tensor, shape: Shape): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return Tensor.shareWithShape(x, shape);
}

/** Sum over `axes` (sorted, distinct) without validation; the axes are removed. */
export function rawSum(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return x;
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  return runKernel("sum", "reduce", [x], { op: "sum", axes }, shape, x.dtype);
}

/** Broadcast without validation. */
export function rawBroadcastTo(x: Tensor, shape: Shape): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return runKernel("broadcastTo", "broadcastTo", [x], {}, shape, x.dtype);
}

/**
 * Sums a cotangent `dy` (of a broadcast result) back to `shape`: the adjoint of broadcasting
 * `shape` to `dy.shape`.
 */
export function sumTo(dy: Tensor, shape: Shape): Tensor {
  const axes = broadcastReductionAxes(shape, dy.shape);
  const summed = rawSum(dy, axes);
  return sizeOf(summed.shape) === sizeOf(shape) ? rawReshape(summed, shape) : summed;
}

/** Runs a unary kernel without validation. */
export function rawUnary(op: UnaryOp, x: Tensor): Tensor {
  return runKernel(op, "unary", [x], { op }, x.shape, x.dtype);
}
