/**
 * Softmax and log-softmax along an axis, computed stably (the maximum is subtracted first).
 * @module
 */

import { defineOp, type DiffOp } from "../op.ts";
import { runKernel } from "../_run.ts";
import { normalizeAxis } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkFloat, checkTensor, rawReshape, rawUnary } from "./_util.ts";
import { rawBinary } from "./arithmetic.ts";

/** Options of {@linkcode softmax} and {@linkcode logSoftmax}. */
export interface SoftmaxOptions {
  /** The axis the probabilities sum to 1 along. @default {-1} */
  readonly axis?: number;
}

function keptReduce(op: "sum" | "max", x: Tensor, axis: number): Tensor {
  const shape = x.shape.filter((_, i) => i !== axis);
  const r = runKernel(op, "reduce", [x], { op, axes: [axis] }, shape, x.dtype);
  return rawReshape(r, x.shape.map((d, i) => (i === axis ? 1 : d)));
}

function prepare(op: string, x: Tensor, options: SoftmaxOptions): [number, Tensor] {
  checkTensor(op, "x", x);
  checkFloat(op, "x", x);
  if (x.rank === 0) throw new TypeError(`${op}: x must have rank >= 1, but is a scalar`);
  const axis = normalizeAxis(op, "axis", options.axis ?? -1, x.rank);
  if (x.shape[axis] === 0) {
    throw new RangeError(`${op}: axis ${axis} is empty (x has shape [${x.shape.join(", ")}])`);
  }
  return [axis, rawBinary("sub", x, keptReduce("max", x, axis))];
}

/**
 * `exp(x) / sum(exp(x))` along `axis`. VJP: `y * (dy - sum(dy * y))`.
 *
 * @example
 * ```ts
 * import { softmax, tensor } from "@convkit/convkit";
 * await softmax(tensor([0, 0])).data(); // Float32Array [0.5, 0.5]
 * ```
 */
export const softmax: DiffOp<[x: Tensor, options?: SoftmaxOptions], [Tensor]> = defineOp(
  "softmax",
  (x: Tensor, options: SoftmaxOptions = {}) => {
    const [axis, z] = prepare("softmax", x, options);
    const e = rawUnary("exp", z);
    const y = rawBinary("div", e, keptReduce("sum", e, axis));
    return [y, (dy: Tensor): [Tensor] => {
      const s = keptReduce("sum", rawBinary("mul", dy, y), axis);
      return [rawBinary("mul", y, rawBinary("sub", dy, s))];
    }];
  },
);

/**
 * `x - log(sum(exp(x)))` along `axis`, stable for large logits. VJP: `dy - softmax(x) * sum(dy)`.
 *
 * @example
 * ```ts
 * import { logSoftmax, tensor } from "@convkit/convkit";
 * await logSoftmax(tensor([1000, 1000])).data(); // Float32Array [-0.6931472, -0.6931472]
 * ```
 */
export const logSoftmax: DiffOp<[x: Tensor, options?: SoftmaxOptions], [Tensor]> = defineOp(
  "logSoftmax",
  (x: Tensor, options: SoftmaxOptions = {}) => {
    const [axis, z] = prepare("logSoftmax", x, options);
    const lse = rawUnary("log", keptReduce("sum", rawUnary("exp", z), axis));
    const y = rawBinary("sub", z, lse);
    return [y, (dy: Tensor): [Tensor] => {
      const s = keptReduce("sum", dy, axis);
      return [rawBinary("sub", dy, rawBinary("mul", rawUnary("exp", y), s))];
    }];
  },
);
