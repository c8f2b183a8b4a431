/**
 * Elementwise functions of one tensor, each with its VJP next to it.
 * @module
 */

import { defineOp, type DiffOp } from "../op.ts";
import type { UnaryOp } from "../primitives.ts";
import type { Tensor } from "../tensor.ts";
import { checkFloat, checkTensor, rawUnary, scalarLike } from "./_util.ts";
import { rawBinary } from "./arithmetic.ts";

function unary(
  name: UnaryOp,
  floatOnly: boolean,
  grad: (x: Tensor, y: Tensor, dy: Tensor) => Tensor,
): DiffOp<[x: Tensor], [Tensor]> {
  return defineOp(name, (x: Tensor) => {
    checkTensor(name, "x", x);
    if (floatOnly) checkFloat(name, "x", x);
    const y = rawUnary(name, x);
    return [y, (dy: Tensor): [Tensor] => [grad(x, y, dy)]];
  });
}

const mul = (a: Tensor, b: Tensor): Tensor => rawBinary("mul", a, b);

/**
 * `-x`.
 *
 * @example
 * ```ts
 * import { neg, tensor } from "@convkit/convkit";
 * await neg(tensor([1, -2])).data(); // Float32Array [-1, 2]
 * ```
 */
export const neg: DiffOp<[x: Tensor], [Tensor]> = unary(
  "neg",
  false,
  (_x, _y, dy) => rawUnary("neg", dy),
);

/**
 * `|x|`; the gradient at 0 is 0.
 *
 * @example
 * ```ts
 * import { abs, tensor } from "@convkit/convkit";
 * await abs(tensor([1, -2])).data(); // Float32Array [1, 2]
 * ```
 */
export const abs: DiffOp<[x: Tensor], [Tensor]> = unary(
  "abs",
  false,
  (x, _y, dy) => mul(dy, rawUnary("sign", x)),
);

/**
 * `e^x`.
 *
 * @example
 * ```ts
 * import { exp, tensor } from "@convkit/convkit";
 * await exp(tensor([0])).data(); // Float32Array [1]
 * ```
 */
export const exp: DiffOp<[x: Tensor], [Tensor]> = unary("exp", true, (_x, y, dy) => mul(dy, y));

/**
 * The natural logarithm (`-Infinity` at 0, NaN below).
 *
 * @example
 * ```ts
 * import { log, tensor } from "@convkit/convkit";
 * await log(tensor([1])).data(); // Float32Array [0]
 * ```
 */
export const log: DiffOp<[x: Tensor], [Tensor]> = unary(
  "log",
  true,
  (x, _y, dy) => rawBinary("div", dy, x),
);

/**
 * The square root.
 *
 * @example
 * ```ts
 * import { sqrt, tensor } from "@convkit/convkit";
 * await sqrt(tensor([4, 9])).data(); // Float32Array [2, 3]
 * ```
 */
export const sqrt: DiffOp<[x: Tensor], [Tensor]> = unary(
  "sqrt",
  true,
  (_x, y, dy) => rawBinary("div", dy, mul(y, scalarLike(2, y))),
);

/**
 * `x * x`.
 *
 * @example
 * ```ts
 * import { square, tensor } from "@convkit/convkit";
 * await square(tensor([3, -2])).data(); // Float32Array [9, 4]
 * ```
 */
export const square: DiffOp<[x: Tensor], [Tensor]> = unary(
  "square",
  false,
  (x, _y, dy) => mul(dy, mul(x, scalarLike(2, x))),
);

/**
 * `1 / x`.
 *
 * @example
 * ```ts
 * import { reciprocal, tensor } from "@convkit/convkit";
 * await reciprocal(tensor([2, 4])).data(); // Float32Array [0.5, 0.25]
 * ```
 */
export const reciprocal: DiffOp<[x: Tensor], [Tensor]> = unary(
  "reciprocal",
  true,
  (_x, y, dy) => rawUnary("neg", mul(dy, mul(y, y))),
);

/**
 * `max(x, 0)`. By convention relu'(0) = 0.
 *
 * @example
 * ```ts
 * import { relu, tensor } from "@convkit/convkit";
 * await relu(tensor([-1, 0, 2])).data(); // Float32Array [0, 0, 2]
 * ```
 */
export const relu: DiffOp<[x: Tensor], [Tensor]> = unary(
  "relu",
  false,
  (x, _y, dy) => mul(dy, rawUnary("step", x)),
);

/**
 * The logistic function `1 / (1 + e^-x)`, computed without overflow for large |x|.
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from "@convkit/convkit";
 * await sigmoid(tensor([0])).data(); // Float32Array [0.5]
 * ```
 */
export const sigmoid: DiffOp<[x: Tensor], [Tensor]> = unary(
  "sigmoid",
  true,
  (_x, y, dy) => mul(dy, mul(y, rawBinary("sub", scalarLike(1, y), y))),
);

/**
 * The hyperbolic tangent.
 *
 * @example
 * ```ts
 * import { tanh, tensor } from "@convkit/convkit";
 * await tanh(tensor([0])).data(); // Float32Array [0]
 * ```
 */
export const tanh: DiffOp<[x: Tensor], [Tensor]> = unary(
  "tanh",
  true,
  (_x, y, dy) => mul(dy, rawBinary("sub", scalarLike(1, y), mul(y, y))),
);

/**
 * The sign of each element (-1, 0 or 1); its gradient is 0.
 *
 * @example
 * ```ts
 * import { sign, tensor } from "@convkit/convkit";
 * await sign(tensor([-3, 0, 2])).data(); // Float32Array [-1, 0, 1]
 * ```
 */
export const sign: DiffOp<[x: Tensor], [Tensor]> = unary(
  "sign",
  false,
  (_x, _y, dy) => rawBinary("mul", dy, scalarLike(0, dy)),
);
