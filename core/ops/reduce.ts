/**
 * Reductions: sum, mean, max, min over axes, and argmax/argmin along one axis.
 * @module
 */

import { defineOp, type DiffOp } from "../op.ts";
import { runKernel } from "../_run.ts";
import { inversePerm, normalizeAxes, normalizeAxis, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensor, rawBroadcastTo, rawReshape, scalarLike } from "./_util.ts";
import { rawBinary } from "./arithmetic.ts";

/** Options of the reductions. */
export interface ReduceOptions {
  /** The axis or axes to reduce (negative counts from the end). @default {all axes} */
  readonly axis?: number | readonly number[];
  /** Keep each reduced axis with size 1. @default {false} */
  readonly keepDims?: boolean;
}

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduction(
  name: "sum" | "mean" | "max" | "min",
): DiffOp<[x: Tensor, options?: ReduceOptions], [Tensor]> {
  return defineOp(name, (x: Tensor, options: ReduceOptions = {}) => {
    checkTensor(name, "x", x);
    const axes = normalizeAxes(name, options.axis, x.rank);
    const outShape = x.shape.filter((_, i) => !axes.includes(i));
    const kept = keptShape(x.shape, axes);
    const count = sizeOf(axes.map((a) => x.shape[a]));
    if ((name === "max" || name === "min" || name === "mean") && count === 0) {
      throw new RangeError(
        `${name}: cannot reduce over an empty axis (x has shape [${x.shape.join(", ")}])`,
      );
    }
    const kernelOp = name === "mean" ? "sum" : name;
    let y = runKernel(name, "reduce", [x], { op: kernelOp, axes }, outShape, x.dtype);
    if (name === "mean") y = rawBinary("div", y, scalarLike(count, y));
    const result = options.keepDims ? rawReshape(y, kept) : y;
    return [result, (dy: Tensor): [Tensor] => {
      const g = rawReshape(dy, kept);
      if (name === "sum") return [rawBroadcastTo(g, x.shape)];
      if (name === "mean") {
        return [rawBroadcastTo(rawBinary("div", g, scalarLike(count, g)), x.shape)];
      }
      return [extremumGrad(name, x, axes, g)];
    }];
  });
}

/** The gradient of max/min: all of `dy` goes to the first extreme element of each group. */
function extremumGrad(
  name: "max" | "min",
  x: Tensor,
  axes: readonly number[],
  dyKept: Tensor,
): Tensor {
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...keptAxes, ...axes];
  const permShape = perm.map((a) => x.shape[a]);
  const k = sizeOf(keptAxes.map((a) => x.shape[a]));
  const r = sizeOf(axes.map((a) => x.shape[a]));
  const xt = runKernel(name, "transpose", [x], { perm }, permShape, x.dtype);
  const flat = rawReshape(xt, [k, r]);
  const op = name === "max" ? "argmax" : "argmin";
  const idx = runKernel(name, "argReduce", [flat], { op, axis: 1 }, [k], "int32");
  const hot = runKernel(name, "oneHot", [idx], { depth: r }, [k, r], x.dtype);
  const g = rawBinary("mul", hot, rawReshape(dyKept, [k, 1]));
  const gt = rawReshape(g, permShape);
  return runKernel(name, "transpose", [gt], { perm: inversePerm(perm) }, x.shape, x.dtype);
}

/**
 * The sum over `axis` (all axes by default).
 *
 * @example
 * ```ts
 * import { sum, tensor } from "@convkit/convkit";
 * await sum(tensor([[1, 2], [3, 4]]), { axis: 0 }).data(); // Float32Array [4, 6]
 * ```
 */
export const sum: DiffOp<[x: Tensor, options?: ReduceOptions], [Tensor]> = reduction("sum");

/**
 * The mean over `axis` (all axes by default).
 *
 * @example
 * ```ts
 * import { mean, tensor } from "@convkit/convkit";
 * await mean(tensor([[1, 2], [3, 4]])).data(); // Float32Array [2.5]
 * ```
 */
export const mean: DiffOp<[x: Tensor, options?: ReduceOptions], [Tensor]> = reduction("mean");

/**
 * The maximum over `axis`. Its gradient goes to the first maximal element in row-major order.
 *
 * @example
 * ```ts
 * import { max, tensor } from "@convkit/convkit";
 * await max(tensor([[1, 5], [3, 4]]), { axis: 1 }).data(); // Float32Array [5, 4]
 * ```
 */
export const max: DiffOp<[x: Tensor, options?: ReduceOptions], [Tensor]> = reduction("max");

/**
 * The minimum over `axis`. Its gradient goes to the first minimal element in row-major order.
 *
 * @example
 * ```ts
 * import { min, tensor } from "@convkit/convkit";
 * await min(tensor([[1, 5], [3, 4]]), { axis: 1 }).data(); // Float32Array [1, 3]
 * ```
 */
export const min: DiffOp<[x: Tensor, options?: ReduceOptions], [Tensor]> = reduction("min");

/** Options of {@linkcode argmax} and {@linkcode argmin}. */
export interface ArgOptions {
  /** The axis to search along. @default {-1} */
  readonly axis?: number;
}

function argReduction(name: "argmax" | "argmin") {
  return (x: Tensor, options: ArgOptions = {}): Tensor => {
    checkTensor(name, "x", x);
    if (x.rank === 0) {
      throw new TypeError(`${name}: x must have rank >= 1, but is a scalar (shape [])`);
    }
    const axis = normalizeAxis(name, "axis", options.axis ?? -1, x.rank);
    if (x.shape[axis] === 0) {
      throw new RangeError(`${name}: axis ${axis} is empty (x has shape [${x.shape.join(", ")}])`);
    }
    const shape = x.shape.filter((_, i) => i !== axis);
    return runKernel(name, "argReduce", [x], { op: name, axis }, shape, "int32");
  };
}

/**
 * The int32 index of the largest element along `axis` (the first one on ties).
 *
 * @example
 * ```ts
 * import { argmax, tensor } from "@convkit/convkit";
 * await argmax(tensor([[1, 5, 5], [7, 0, 1]])).data(); // Int32Array [1, 0]
 * ```
 */
export const argmax: (x: Tensor, options?: ArgOptions) => Tensor = argReduction("argmax");

/**
 * The int32 index of the smallest element along `axis` (the first one on ties).
 *
 * @example
 * ```ts
 * import { argmin, tensor } from "@convkit/convkit";
 * await argmin(tensor([[1, 5, 0], [7, 0, 1]])).data(); // Int32Array [2, 1]
 * ```
 */
export const argmin: (x: Tensor, options?: ArgOptions) => Tensor = argReduction("argmin");
