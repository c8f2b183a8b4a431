/**
 * Classification metrics, computed on the host from the logits and labels: accuracy and the
 * confusion matrix.
 * @module
 */

import type { Tensor } from "../core/mod.ts";
import { argmaxRows, checkLogits, hostClasses, resolveLabels } from "./_labels.ts";

async function classesOf(
  op: string,
  logits: Tensor,
  labels: Tensor,
): Promise<{ classes: number; predicted: Int32Array; truth: Int32Array }> {
  const x = checkLogits(op, logits);
  const resolved = resolveLabels(op, x, labels);
  const classes = x.shape[x.rank - 1];
  const predicted = argmaxRows(await x.data(), classes);
  const truth = await hostClasses(resolved, classes);
  const bad = truth.findIndex((c) => c < 0 || c >= classes);
  if (bad >= 0) {
    throw new RangeError(
      `${op}: labels must be class indices in [0, ${classes}), but element ${bad} is ${truth[bad]}`,
    );
  }
  return { classes, predicted, truth };
}

/**
 * The fraction of rows whose largest logit (the first one on ties) is the labelled class, in
 * `[0, 1]`. Accepts the shapes of `softmaxCrossEntropy`: `logits` `[n, ..., classes]` and int32
 * class indices (one per row) or one-hot targets of the logits' shape (their argmax is the
 * class). Reads both tensors back, so it is async.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { accuracy } from "@convkit/convkit/train";
 * const logits = tensor([[2, 1], [0, 3], [5, 4]]);
 * await accuracy(logits, tensor([0, 1, 1], { dtype: "int32" })); // 0.6666666666666666
 * ```
 */
export async function accuracy(logits: Tensor, labels: Tensor): Promise<number> {
  const { predicted, truth } = await classesOf("accuracy", logits, labels);
  if (truth.length === 0) {
    throw new RangeError("accuracy: logits must hold at least one row, but hold none");
  }
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / truth.length;
}

/**
 * The confusion matrix: `m[i][j]` counts the rows labelled class `i` whose largest logit is
 * class `j` (so the diagonal holds the correct ones and row `i` sums to the count of class `i`).
 * `classes` is the logits' last axis; shapes as for {@linkcode accuracy}. Async: it reads the
 * tensors back.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { confusionMatrix } from "@convkit/convkit/train";
 * const logits = tensor([[2, 1], [0, 3], [5, 4]]);
 * await confusionMatrix(logits, tensor([0, 1, 1], { dtype: "int32" })); // [[1, 0], [1, 1]]
 * ```
 */
export async function confusionMatrix(logits: Tensor, labels: Tensor): Promise<number[][]> {
  const { classes, predicted, truth } = await classesOf("confusionMatrix", logits, labels);
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
  return m;
}
