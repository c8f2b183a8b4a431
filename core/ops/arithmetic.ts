/**
 * Elementwise binary ops with NumPy broadcasting, `where`, `broadcastTo` and `cast`.
 * @module
 */

import type { DType } from "../dtype.ts";
import { isDType } from "../dtype.ts";
import { show } from "../errors.ts";
import { defineOp, type DiffOp } from "../op.ts";
import type { BinaryOp } from "../primitives.ts";
import { runKernel } from "../_run.ts";
import { broadcastShapes, checkShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import {
  checkSameDType,
  checkTensor,
  rawBroadcastTo,
  scalarLike,
  sumTo,
  tensorOrScalar,
} from "./_util.ts";
import { log } from "./unary.ts";

/** A tensor or a plain number (converted to a scalar of the other operand's dtype). */
export type TensorOrNumber = Tensor | number;

function operands(op: string, a: TensorOrNumber, b: TensorOrNumber): [Tensor, Tensor] {
  if (typeof a === "number" && typeof b === "number") {
    throw new TypeError(`${op}: at least one of a and b must be a Tensor, but both are numbers`);
  }
  const ta = typeof a === "number"
    ? tensorOrScalar(op, "a", a, checkTensor(op, "b", b))
    : checkTensor(op, "a", a);
  const tb = tensorOrScalar(op, "b", b, ta);
  checkSameDType(op, ["a", "b"], ta, tb);
  return [ta, tb];
}

/** Runs a binary kernel without validation beyond broadcasting. */
export function rawBinary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  return runKernel(op, "binary", [a, b], { op }, shape, a.dtype);
}

/** The gradients of a binary op: `[da, db]`, each summed back to its operand's shape. */
export type BinaryGrad = [Tensor, Tensor];

function binary(
  name: BinaryOp,
  grads: (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor, Tensor],
): DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> {
  return defineOp(name, (a: TensorOrNumber, b: TensorOrNumber) => {
    const [ta, tb] = operands(name, a, b);
    const y = rawBinary(name, ta, tb);
    return [y, (dy: Tensor): BinaryGrad => {
      const [da, db] = grads(ta, tb, y, dy);
      return [sumTo(da, ta.shape), sumTo(db, tb.shape)];
    }];
  });
}

/**
 * `a + b`, elementwise with broadcasting. Either operand may be a number.
 *
 * @example
 * ```ts
 * import { add, tensor } from "@convkit/convkit";
 * await add(tensor([[1], [2]]), tensor([10, 20])).array(); // [[11, 21], [12, 22]]
 * ```
 */
export const add: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "add",
  (_a, _b, _y, dy) => [dy, dy],
);

/**
 * `a - b`, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import { sub, tensor } from "@convkit/convkit";
 * await sub(tensor([5, 7]), 1).data(); // Float32Array [4, 6]
 * ```
 */
export const sub: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "sub",
  (_a, _b, _y, dy) => [dy, rawNeg(dy)],
);

/**
 * `a * b`, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import { mul, tensor } from "@convkit/convkit";
 * await mul(tensor([1, 2]), tensor([3, 4])).data(); // Float32Array [3, 8]
 * ```
 */
export const mul: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "mul",
  (a, b, _y, dy) => [rawBinary("mul", dy, b), rawBinary("mul", dy, a)],
);

/**
 * `a / b`, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import { div, tensor } from "@convkit/convkit";
 * await div(tensor([1, 3]), 2).data(); // Float32Array [0.5, 1.5]
 * ```
 */
export const div: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "div",
  (_a, b, y, dy) => {
    const da = rawBinary("div", dy, b);
    return [da, rawNeg(rawBinary("mul", da, y))];
  },
);

/**
 * `a ** b`, elementwise with broadcasting. The gradient with respect to `b` is
 * `dy * a**b * log(a)`, taken as 0 where `a` is 0 (as PyTorch does) and NaN where `a < 0`.
 *
 * @example
 * ```ts
 * import { pow, tensor } from "@convkit/convkit";
 * await pow(tensor([2, 3]), 2).data(); // Float32Array [4, 9]
 * ```
 */
export const pow: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "pow",
  (a, b, y, dy) => {
    // d/da = b * a^(b-1), written without a^(b-1) blowing up at a = 0 for b >= 1.
    const am1 = rawBinary("pow", a, rawBinary("sub", b, scalarLike(1, b)));
    const da = rawBinary("mul", dy, rawBinary("mul", b, am1));
    const zero = scalarLike(0, a);
    const isZero = rawBinary("equal", a, zero);
    const logA = rawWhere(isZero, zero, log(rawWhere(isZero, scalarLike(1, a), a)));
    const db = rawBinary("mul", dy, rawBinary("mul", y, logA));
    return [da, db];
  },
);

/**
 * The elementwise larger of `a` and `b`. On ties the gradient goes to `a`.
 *
 * @example
 * ```ts
 * import { maximum, tensor } from "@convkit/convkit";
 * await maximum(tensor([1, 5]), 3).data(); // Float32Array [3, 5]
 * ```
 */
export const maximum: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "maximum",
  (a, b, _y, dy) => {
    const mask = rawBinary("greaterEqual", a, b);
    const zero = scalarLike(0, dy);
    return [rawWhere(mask, dy, zero), rawWhere(mask, zero, dy)];
  },
);

/**
 * The elementwise smaller of `a` and `b`. On ties the gradient goes to `a`.
 *
 * @example
 * ```ts
 * import { minimum, tensor } from "@convkit/convkit";
 * await minimum(tensor([1, 5]), 3).data(); // Float32Array [1, 3]
 * ```
 */
export const minimum: DiffOp<[a: TensorOrNumber, b: TensorOrNumber], BinaryGrad> = binary(
  "minimum",
  (a, b, _y, dy) => {
    const mask = rawBinary("greaterEqual", b, a);
    const zero = scalarLike(0, dy);
    return [rawWhere(mask, dy, zero), rawWhere(mask, zero, dy)];
  },
);

function comparison(name: "greater" | "greaterEqual" | "equal") {
  return (a: TensorOrNumber, b: TensorOrNumber): Tensor => {
    const [ta, tb] = operands(name, a, b);
    return rawBinary(name, ta, tb);
  };
}

/**
 * 1 where `a > b`, else 0, in the operands' dtype (not differentiable).
 *
 * @example
 * ```ts
 * import { greater, tensor } from "@convkit/convkit";
 * await greater(tensor([1, 5]), 3).data(); // Float32Array [0, 1]
 * ```
 */
export const greater: (a: TensorOrNumber, b: TensorOrNumber) => Tensor = comparison("greater");

/**
 * 1 where `a >= b`, else 0 (not differentiable).
 *
 * @example
 * ```ts
 * import { greaterEqual, tensor } from "@convkit/convkit";
 * await greaterEqual(tensor([3, 5]), 5).data(); // Float32Array [0, 1]
 * ```
 */
export const greaterEqual: (a: TensorOrNumber, b: TensorOrNumber) => Tensor = comparison(
  "greaterEqual",
);

/**
 * 1 where `a == b`, else 0 (not differentiable).
 *
 * @example
 * ```ts
 * import { equal, tensor } from "@convkit/convkit";
 * await equal(tensor([3, 5], { dtype: "int32" }), 5).data(); // Int32Array [0, 1]
 * ```
 */
export const equal: (a: TensorOrNumber, b: TensorOrNumber) => Tensor = comparison("equal");

function rawNeg(x: Tensor): Tensor {
  return runKernel("neg", "unary", [x], { op: "neg" }, x.shape, x.dtype);
}

/** `where` without validation. */
export function rawWhere(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes("where", broadcastShapes("where", cond.shape, a.shape), b.shape);
  return runKernel("where", "where", [cond, a, b], {}, shape, a.dtype);
}

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere; all three broadcast together. `cond`
 * may have any dtype and gets no gradient.
 *
 * @example
 * ```ts
 * import { tensor, where } from "@convkit/convkit";
 * await where(tensor([1, 0, 1]), tensor([1, 2, 3]), 0).data(); // Float32Array [1, 0, 3]
 * ```
 */
export const where: DiffOp<
  [cond: Tensor, a: TensorOrNumber, b: TensorOrNumber],
  [Tensor, Tensor]
> = defineOp("where", (cond: Tensor, a: TensorOrNumber, b: TensorOrNumber) => {
  const c = checkTensor("where", "cond", cond);
  const [ta, tb] = operands("where", a, b);
  const y = rawWhere(c, ta, tb);
  return [y, (dy: Tensor): [Tensor, Tensor] => {
    const zero = scalarLike(0, dy);
    return [sumTo(rawWhere(c, dy, zero), ta.shape), sumTo(rawWhere(c, zero, dy), tb.shape)];
  }];
});

/**
 * Repeats `x` along its size-1 (and missing leading) axes to `shape`.
 *
 * @example
 * ```ts
 * import { broadcastTo, tensor } from "@convkit/convkit";
 * await broadcastTo(tensor([1, 2]), [2, 2]).array(); // [[1, 2], [1, 2]]
 * ```
 */
export const broadcastTo: DiffOp<[x: Tensor, shape: readonly number[]], [Tensor]> = defineOp(
  "broadcastTo",
  (x: Tensor, shape: readonly number[]) => {
    const op = "broadcastTo";
    checkTensor(op, "x", x);
    const target = checkShape(op, "shape", shape);
    const joint = broadcastShapes(op, x.shape, target);
    if (joint.length !== target.length || joint.some((d, i) => d !== target[i])) {
      throw new TypeError(
        `${op}: x of shape ${show(x.shape)} cannot be broadcast to ${show(target)} ` +
          `(it would need ${show(joint)})`,
      );
    }
    return [rawBroadcastTo(x, target), (dy: Tensor): [Tensor] => [sumTo(dy, x.shape)]];
  },
);

/**
 * Converts `x` to `dtype` (float to int32 truncates toward zero). The gradient is cast back.
 *
 * @example
 * ```ts
 * import { cast, tensor } from "@convkit/convkit";
 * await cast(tensor([1.7, -1.7]), "int32").data(); // Int32Array [1, -1]
 * ```
 */
export const cast: DiffOp<[x: Tensor, dtype: DType], [Tensor]> = defineOp(
  "cast",
  (x: Tensor, dtype: DType) => {
    checkTensor("cast", "x", x);
    if (!isDType(dtype)) {
      throw new TypeError(
        `cast: dtype must be "float32", "float64" or "int32", but got ${show(dtype)}`,
      );
    }
    const y = x.dtype === dtype ? x : runKernel("cast", "cast", [x], {}, x.shape, dtype);
    return [y, (dy: Tensor): [Tensor] => [
      dy.dtype === x.dtype ? dy : runKernel("cast", "cast", [dy], {}, dy.shape, x.dtype),
    ]];
  },
);
