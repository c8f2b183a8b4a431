/**
 * Softmax cross-entropy from logits, computed through `logSoftmax` (stable for large logits).
 * @module
 */

import {
  add,
  defineOp,
  type DiffOp,
  logSoftmax,
  mul,
  oneHot,
  sum,
  type Tensor,
} from "../core/mod.ts";
import { checkLogits, positionsShape, resolveLabels } from "./_labels.ts";
import { checkNumber } from "./_util.ts";
import type { LossGrads } from "./loss.ts";

/** Options of {@linkcode softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /**
   * Label smoothing `s` in `[0, 1)`: the targets become `(1 - s) * targets + s / classes`.
   * @default {0}
   */
  readonly labelSmoothing?: number;
}

/**
 * The mean cross-entropy between `softmax(logits)` and the labels, over every row of the logits:
 * `-(1/m) sum_r sum_c t[r, c] * logSoftmax(logits)[r, c]` where `m` is the number of rows.
 *
 * - `logits` is float `[n, ..., classes]`: `[n, classes]`, or `[n, 1, 1, classes]` as a fully
 *   convolutional net (the MNIST BASE net) produces, or `[n, h, w, classes]` per pixel; each
 *   position along the middle axes is a row, and `m` is `n` times their sizes.
 * - `labels` is either int32 class indices, one per row, shaped like the logits without their
 *   last axis (size-1 axes after the first may be added or dropped: `[n]`, `[n, 1]` and
 *   `[n, 1, 1]` all fit logits `[n, 1, 1, classes]`), each in `[0, classes)`; or one-hot or
 *   probability targets of exactly the logits' shape and dtype.
 *
 * Returns a scalar. The VJP returns `[dLogits, dLabels]`: `dLogits = (softmax(logits) * sum(t) -
 * t) * dy / m` per row, and `dLabels = -logSoftmax(logits) * dy / m` for float targets
 * (`undefined` for class indices). Throws a `TypeError` for labels of the wrong shape or dtype
 * and a `RangeError` for an index outside `[0, classes)` (checked on backends that read
 * synchronously, such as the scalar backend; elsewhere such a row counts as a zero row).
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { softmaxCrossEntropy } from "@convkit/convkit/train";
 * const logits = tensor([[0, 0, 0, 0], [1000, 0, 0, 0]]);
 * const labels = tensor([2, 0], { dtype: "int32" });
 * await softmaxCrossEntropy(logits, labels).data(); // Float32Array [0.6931472] (log(4) / 2)
 * ```
 */
export const softmaxCrossEntropy: DiffOp<
  [logits: Tensor, labels: Tensor, options?: SoftmaxCrossEntropyOptions],
  LossGrads
> = defineOp(
  "softmaxCrossEntropy",
  (logits: Tensor, labels: Tensor, options: SoftmaxCrossEntropyOptions = {}) => {
    const op = "softmaxCrossEntropy";
    const x = checkLogits(op, logits);
    const resolved = resolveLabels(op, x, labels);
    const smoothing = checkNumber(op, "options.labelSmoothing", options.labelSmoothing ?? 0, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
    const classes = x.shape[x.rank - 1];
    const rows = positionsShape(x).reduce((a, b) => a * b, 1);
    if (rows === 0) {
      throw new RangeError(`${op}: logits must hold at least one row, but have shape [${x.shape}]`);
    }
    let t = resolved.kind === "index"
      ? oneHot(resolved.indices, classes, { dtype: x.dtype })
      : resolved.targets;
    if (smoothing > 0) t = add(mul(t, 1 - smoothing), smoothing / classes);
    const [logp, logSoftmaxVjp] = logSoftmax.vjp(x);
    const y = mul(sum(mul(t, logp)), -1 / rows);
    return [y, (dy: Tensor): LossGrads => {
      const scale = mul(dy, -1 / rows);
      const [dLogits] = logSoftmaxVjp(mul(t, scale));
      const dLabels = resolved.kind === "index"
        ? undefined
        : mul(logp, smoothing > 0 ? mul(scale, 1 - smoothing) : scale);
      return [dLogits, dLabels];
    }];
  },
);
