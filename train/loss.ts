/**
 * What a loss is to the training code: anything with a `vjp(pred, target)` that returns a scalar
 * loss and its VJP, like the loss ops of this folder.
 * @module
 */

import type { Tensor } from "../core/mod.ts";

/** The gradients a loss VJP returns: of the predictions, and of the targets (or undefined). */
export type LossGrads = [dPred: Tensor, dTarget: Tensor | undefined];

/**
 * A loss for {@linkcode valueAndGrad}, {@linkcode trainStep}, `evaluate` and `fit`: `vjp(pred,
 * target)` returns `[loss, vjp]` where `loss` is a scalar (shape `[]`) and `vjp(dLoss)` returns
 * the gradient of the predictions first. `softmaxCrossEntropy`, `meanSquaredError` and
 * `binaryCrossEntropy` are losses; to fix options, wrap one:
 * `{ vjp: (p, t) => softmaxCrossEntropy.vjp(p, t, { labelSmoothing: 0.1 }) }`.
 *
 * @example
 * ```ts
 * import type { Loss } from "@convkit/convkit/train";
 * import { softmaxCrossEntropy } from "@convkit/convkit/train";
 * const loss: Loss = softmaxCrossEntropy;
 * ```
 */
export interface Loss {
  /** The scalar loss of `pred` against `target`, and its VJP. */
  vjp(
    pred: Tensor,
    target: Tensor,
  ): readonly [Tensor, (dLoss: Tensor) => readonly (Tensor | undefined)[]];
}
