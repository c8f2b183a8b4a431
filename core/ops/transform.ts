/**
 * Ops that move data without arithmetic: reshape, flatten, transpose, slice, pad, concat,
 * oneHot.
 * @module
 */

import { show } from "../errors.ts";
import { defineOp, type DiffOp } from "../op.ts";
import { runKernel } from "../_run.ts";
import {
  checkPerm,
  concatShape,
  flattenShape,
  inferReshape,
  inversePerm,
  normalizeAxis,
  padShape,
  permuteShape,
  resolveSlice,
} from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensor, rawReshape } from "./_util.ts";
import { checkInt } from "../errors.ts";

/**
 * The same data with a new shape (one entry may be -1: inferred). No data is copied.
 *
 * @example
 * ```ts
 * import { arange, reshape } from "@convkit/convkit";
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export const reshape: DiffOp<[x: Tensor, shape: readonly number[]], [Tensor]> = defineOp(
  "reshape",
  (x: Tensor, shape: readonly number[]) => {
    checkTensor("reshape", "x", x);
    const s = inferReshape("reshape", x.shape, shape);
    return [rawReshape(x, s), (dy: Tensor): [Tensor] => [rawReshape(dy, x.shape)]];
  },
);

/** Options of {@linkcode flatten}. */
export interface FlattenOptions {
  /** The first axis to merge. @default {0} */
  readonly startAxis?: number;
  /** The last axis to merge (inclusive). @default {-1} */
  readonly endAxis?: number;
}

/**
 * Merges the axes `startAxis..endAxis` into one (like `torch.flatten`). To keep the batch axis,
 * pass `{ startAxis: 1 }`.
 *
 * @example
 * ```ts
 * import { flatten, zeros } from "@convkit/convkit";
 * flatten(zeros([2, 3, 4])).shape;                  // [24]
 * flatten(zeros([2, 3, 4]), { startAxis: 1 }).shape; // [2, 12]
 * ```
 */
export const flatten: DiffOp<[x: Tensor, options?: FlattenOptions], [Tensor]> = defineOp(
  "flatten",
  (x: Tensor, options: FlattenOptions = {}) => {
    checkTensor("flatten", "x", x);
    const s = flattenShape("flatten", x.shape, options.startAxis ?? 0, options.endAxis ?? -1);
    return [rawReshape(x, s), (dy: Tensor): [Tensor] => [rawReshape(dy, x.shape)]];
  },
);

/**
 * Permutes the axes: output axis `i` is input axis `perm[i]` (reversed when omitted).
 *
 * @example
 * ```ts
 * import { tensor, transpose } from "@convkit/convkit";
 * await transpose(tensor([[1, 2, 3], [4, 5, 6]])).array(); // [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export const transpose: DiffOp<[x: Tensor, perm?: readonly number[]], [Tensor]> = defineOp(
  "transpose",
  (x: Tensor, perm?: readonly number[]) => {
    checkTensor("transpose", "x", x);
    const p = checkPerm("transpose", perm, x.rank);
    const shape = permuteShape(x.shape, p);
    const identity = p.every((a, i) => a === i);
    const y = identity ? x : runKernel("transpose", "transpose", [x], { perm: p }, shape, x.dtype);
    const inv = inversePerm(p);
    return [y, (dy: Tensor): [Tensor] => [
      identity ? dy : runKernel("transpose", "transpose", [dy], { perm: inv }, x.shape, x.dtype),
    ]];
  },
);

/**
 * The block of `x` starting at `begin` (negative counts from the end) with `size` elements per
 * axis (-1 or omitted: to the end).
 *
 * @example
 * ```ts
 * import { arange, reshape, slice } from "@convkit/convkit";
 * const x = reshape(arange(9), [3, 3]);
 * await slice(x, [1, 1], [2, 2]).array(); // [[4, 5], [7, 8]]
 * ```
 */
export const slice: DiffOp<
  [x: Tensor, begin: readonly number[], size?: readonly number[]],
  [Tensor]
> = defineOp("slice", (x: Tensor, begin: readonly number[], size?: readonly number[]) => {
  checkTensor("slice", "x", x);
  const r = resolveSlice("slice", x.shape, begin, size);
  const y = runKernel("slice", "slice", [x], { begin: r.begin }, r.size, x.dtype);
  return [y, (dy: Tensor): [Tensor] => {
    const paddings = x.shape.map((d, i) =>
      [r.begin[i], d - r.begin[i] - r.size[i]] as [number, number]
    );
    return [runKernel("slice", "pad", [dy], { paddings, value: 0 }, x.shape, dy.dtype)];
  }];
});

/** Options of {@linkcode pad}. */
export interface PadOptions {
  /** The value of the new cells. @default {0} */
  readonly value?: number;
}

/**
 * Surrounds `x` with `value`: `paddings[i] = [before, after]` cells on axis `i`.
 *
 * @example
 * ```ts
 * import { pad, tensor } from "@convkit/convkit";
 * await pad(tensor([1, 2]), [[1, 2]]).data(); // Float32Array [0, 1, 2, 0, 0]
 * ```
 */
export const pad: DiffOp<
  [x: Tensor, paddings: readonly (readonly [number, number])[], options?: PadOptions],
  [Tensor]
> = defineOp(
  "pad",
  (x: Tensor, paddings: readonly (readonly [number, number])[], options: PadOptions = {}) => {
    checkTensor("pad", "x", x);
    const shape = padShape("pad", x.shape, paddings);
    const value = options.value ?? 0;
    if (typeof value !== "number") {
      throw new TypeError(`pad: value must be a number, but got ${show(value)}`);
    }
    const p = paddings.map((q) => [q[0], q[1]] as [number, number]);
    const y = runKernel("pad", "pad", [x], { paddings: p, value }, shape, x.dtype);
    return [y, (dy: Tensor): [Tensor] => [
      runKernel("pad", "slice", [dy], { begin: p.map((q) => q[0]) }, x.shape, dy.dtype),
    ]];
  },
);

/** Options of {@linkcode concat}. */
export interface ConcatOptions {
  /** The axis to join along (negative counts from the end). @default {0} */
  readonly axis?: number;
}

/**
 * Joins tensors along `axis`; all other axes must agree. The VJP returns one gradient per input.
 *
 * @example
 * ```ts
 * import { concat, tensor } from "@convkit/convkit";
 * await concat([tensor([[1], [2]]), tensor([[3], [4]])], { axis: 1 }).array(); // [[1, 3], [2, 4]]
 * ```
 */
export const concat: DiffOp<[tensors: readonly Tensor[], options?: ConcatOptions], Tensor[]> =
  defineOp("concat", (tensors: readonly Tensor[], options: ConcatOptions = {}) => {
    if (!Array.isArray(tensors) || tensors.length === 0) {
      throw new TypeError(
        `concat: tensors must be a non-empty array of Tensors, but got ${
          Array.isArray(tensors) ? "an empty array" : typeof tensors
        }`,
      );
    }
    tensors.forEach((t, i) => checkTensor("concat", `tensors[${i}]`, t));
    const first = tensors[0];
    tensors.forEach((t, i) => {
      if (t.dtype !== first.dtype) {
        throw new TypeError(
          `concat: all tensors must share a dtype, but tensors[0] is ${first.dtype} and ` +
            `tensors[${i}] is ${t.dtype}`,
        );
      }
    });
    if (first.rank === 0) {
      throw new TypeError("concat: tensors must have rank >= 1, but got scalars");
    }
    const axis = normalizeAxis("concat", "axis", options.axis ?? 0, first.rank);
    const shape = concatShape("concat", tensors.map((t) => t.shape), axis);
    const y = tensors.length === 1
      ? first
      : runKernel("concat", "concat", tensors, { axis }, shape, first.dtype);
    return [y, (dy: Tensor): Tensor[] => {
      let offset = 0;
      return tensors.map((t: Tensor): Tensor => {
        const begin = t.shape.map((_: number, i: number) => (i === axis ? offset : 0));
        offset += t.shape[axis];
        return runKernel("concat", "slice", [dy], { begin }, t.shape, dy.dtype);
      });
    }];
  });

/** Options of {@linkcode oneHot}. */
export interface OneHotOptions {
  /** The output dtype. @default {"float32"} */
  readonly dtype?: "float32" | "float64" | "int32";
}

/**
 * One-hot encodes int32 class indices: shape `[...s]` to `[...s, depth]`. Indices outside
 * `[0, depth)` give a row of zeros.
 *
 * @example
 * ```ts
 * import { oneHot, tensor } from "@convkit/convkit";
 * await oneHot(tensor([2, 0], { dtype: "int32" }), 3).array(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(indices: Tensor, depth: number, options: OneHotOptions = {}): Tensor {
  checkTensor("oneHot", "indices", indices);
  if (indices.dtype !== "int32") {
    throw new TypeError(`oneHot: indices must have dtype int32, but has ${indices.dtype}`);
  }
  checkInt("oneHot", "depth", depth, 1);
  const dtype = options.dtype ?? "float32";
  return runKernel("oneHot", "oneHot", [indices], { depth }, [...indices.shape, depth], dtype);
}
