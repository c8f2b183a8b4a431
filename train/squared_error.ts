/**
 * The squared-error losses: `1/2 ||t - x||^2` per example, and its batch mean.
 * @module
 */

import {
  defineOp,
  type DiffOp,
  mul,
  reshape,
  show,
  square,
  sub,
  sum,
  type Tensor,
} from "../core/mod.ts";
import { checkFloat, checkTensor, sameShape } from "./_util.ts";
import type { LossGrads } from "./loss.ts";

function operands(op: string, pred: Tensor, target: Tensor): void {
  checkTensor(op, "pred", pred);
  checkTensor(op, "target", target);
  checkFloat(op, "pred", pred);
  if (pred.rank < 1) {
    throw new TypeError(`${op}: pred must have rank >= 1 ([n, ...]), but is a scalar`);
  }
  if (!sameShape(pred.shape, target.shape)) {
    throw new TypeError(
      `${op}: target must have the shape of pred ${show(pred.shape)}, but has shape ${
        show(target.shape)
      }`,
    );
  }
  if (target.dtype !== pred.dtype) {
    throw new TypeError(
      `${op}: target must have the dtype of pred (${pred.dtype}), but has ${target.dtype}`,
    );
  }
}

/** `[1/2 ||t_i - x_i||^2 for each example i]` and `x - t`. */
function perExample(pred: Tensor, target: Tensor): [Tensor, Tensor] {
  const d = sub(pred, target);
  const axes = pred.shape.map((_, i) => i).slice(1);
  return [mul(sum(square(d), { axis: axes }), 0.5), d];
}

/** `dy` `[n]` shaped to broadcast against `[n, ...]`. */
function perRow(dy: Tensor, like: Tensor): Tensor {
  return reshape(dy, like.shape.map((d, i) => (i === 0 ? d : 1)));
}

/**
 * The squared error of each example: `pred` and `target` have one shape `[n, ...]` and one float
 * dtype; returns `[n]` with `1/2 ||target_i - pred_i||^2` (the sum over the example's elements).
 * The VJP returns `[dPred, dTarget]` with `dPred = (pred - target) * dy` (per example) and
 * `dTarget = -dPred`.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { squaredError } from "@convkit/convkit/train";
 * await squaredError(tensor([[1, 2], [0, 0]]), tensor([[1, 0], [3, 4]])).data();
 * // Float32Array [2, 12.5]
 * ```
 */
export const squaredError: DiffOp<[pred: Tensor, target: Tensor], LossGrads> = defineOp(
  "squaredError",
  (pred: Tensor, target: Tensor) => {
    operands("squaredError", pred, target);
    const [y, d] = perExample(pred, target);
    return [y, (dy: Tensor): LossGrads => {
      const g = mul(d, perRow(dy, d));
      return [g, mul(g, -1)];
    }];
  },
);

/**
 * The batch mean of {@linkcode squaredError}: `(1/n) sum_i 1/2 ||target_i - pred_i||^2` for
 * `pred` and `target` of shape `[n, ...]`, a scalar. It averages over the `n` examples only and
 * keeps the 1/2, so it is `d/2` times Keras's `mse` for examples of `d` elements. The VJP returns
 * `[dPred, dTarget]` with `dPred = (pred - target) * dy / n` and `dTarget = -dPred`.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { meanSquaredError } from "@convkit/convkit/train";
 * await meanSquaredError(tensor([[1, 2], [0, 0]]), tensor([[1, 0], [3, 4]])).data();
 * // Float32Array [7.25]
 * ```
 */
export const meanSquaredError: DiffOp<[pred: Tensor, target: Tensor], LossGrads> = defineOp(
  "meanSquaredError",
  (pred: Tensor, target: Tensor) => {
    operands("meanSquaredError", pred, target);
    const n = pred.shape[0];
    if (n === 0) {
      throw new RangeError(`meanSquaredError: pred must hold at least one example, but has n = 0`);
    }
    const [e, d] = perExample(pred, target);
    const y = mul(sum(e), 1 / n);
    return [y, (dy: Tensor): LossGrads => {
      const g = mul(d, mul(dy, 1 / n));
      return [g, mul(g, -1)];
    }];
  },
);
