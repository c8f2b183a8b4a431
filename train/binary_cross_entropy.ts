/**
 * Binary cross-entropy, from logits (stable) or from probabilities.
 * @module
 */

import {
  abs,
  add,
  defineOp,
  type DiffOp,
  div,
  exp,
  greaterEqual,
  log,
  maximum,
  mean,
  minimum,
  mul,
  neg,
  relu,
  show,
  sigmoid,
  sub,
  type Tensor,
} from "../core/mod.ts";
import { checkFloat, checkNumber, checkTensor, sameShape } from "./_util.ts";
import type { LossGrads } from "./loss.ts";

/** Options of {@linkcode binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions {
  /** Whether the first argument holds logits (else probabilities in `[0, 1]`). @default {true} */
  readonly fromLogits?: boolean;
  /**
   * For probabilities only: they are clipped to `[eps, 1 - eps]` before the logarithms (and get
   * no gradient where clipped), in `(0, 0.5)`. @default {1e-7}
   */
  readonly eps?: number;
}

/**
 * The mean binary cross-entropy over every element: `-(1/m) sum t log p + (1 - t) log(1 - p)`
 * with `p = sigmoid(x)`, for `x` and targets `t` of one shape (any, e.g. `[n]` or `[n, 1]`) and
 * one float dtype, `m` their size. Targets are 0/1 labels or probabilities in `[0, 1]`.
 *
 * From logits (the default) it is computed stably as `max(x, 0) - x t + log(1 + exp(-|x|))`,
 * finite for any finite logit; the VJP returns `[(sigmoid(x) - t) * dy / m, -x * dy / m]`. With
 * `{ fromLogits: false }`, `x` holds probabilities, clipped to `[eps, 1 - eps]`.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { binaryCrossEntropy } from "@convkit/convkit/train";
 * await binaryCrossEntropy(tensor([0, 1000]), tensor([1, 1])).data();
 * // Float32Array [0.3465736] (log(2) / 2)
 * await binaryCrossEntropy(tensor([0.5]), tensor([1]), { fromLogits: false }).data();
 * // Float32Array [0.6931472]
 * ```
 */
export const binaryCrossEntropy: DiffOp<
  [x: Tensor, targets: Tensor, options?: BinaryCrossEntropyOptions],
  LossGrads
> = defineOp(
  "binaryCrossEntropy",
  (x: Tensor, targets: Tensor, options: BinaryCrossEntropyOptions = {}) => {
    const op = "binaryCrossEntropy";
    checkTensor(op, "x", x);
    checkTensor(op, "targets", targets);
    checkFloat(op, "x", x);
    if (!sameShape(x.shape, targets.shape)) {
      throw new TypeError(
        `${op}: targets must have the shape of x ${show(x.shape)}, but have shape ${
          show(targets.shape)
        }`,
      );
    }
    if (targets.dtype !== x.dtype) {
      throw new TypeError(
        `${op}: targets must have the dtype of x (${x.dtype}; 0/1 labels as floats), but have ` +
          targets.dtype,
      );
    }
    if (x.size === 0) {
      throw new RangeError(`${op}: x must not be empty, but has shape ${show(x.shape)}`);
    }
    const m = x.size;
    const t = targets;
    if (options.fromLogits ?? true) {
      const softplus = log(add(exp(neg(abs(x))), 1));
      const y = mean(add(sub(relu(x), mul(x, t)), softplus));
      return [y, (dy: Tensor): LossGrads => {
        const s = mul(dy, 1 / m);
        return [mul(sub(sigmoid(x), t), s), mul(x, mul(s, -1))];
      }];
    }
    const eps = checkNumber(op, "options.eps", options.eps ?? 1e-7, {
      min: 0,
      max: 0.5,
      minExclusive: true,
      maxExclusive: true,
    });
    const p = minimum(maximum(x, eps), 1 - eps);
    const q = sub(1, p);
    const logP = log(p);
    const logQ = log(q);
    const y = mul(mean(add(mul(t, logP), mul(sub(1, t), logQ))), -1);
    return [y, (dy: Tensor): LossGrads => {
      const s = mul(dy, 1 / m);
      const inside = mul(greaterEqual(x, eps), greaterEqual(1 - eps, x));
      const dx = mul(div(mul(sub(p, t), inside), mul(p, q)), s);
      return [dx, mul(sub(logQ, logP), s)];
    }];
  },
);
