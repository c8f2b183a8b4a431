/**
 * Evaluation of a model over batches: the mean loss and the accuracy.
 * @module
 */

import { show, Tensor } from "../core/mod.ts";
import type { Batch } from "./batches.ts";
import type { Loss } from "./loss.ts";
import { accuracy as accuracyOf } from "./metrics.ts";
import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";
import type { Model } from "./value_and_grad.ts";

/** Options of {@linkcode evaluate}. */
export interface EvaluateOptions {
  /** The loss. @default {softmaxCrossEntropy} */
  readonly loss?: Loss;
  /**
   * Whether to measure accuracy (the output's argmax against class labels).
   * @default {true when the targets are int32 class indices}
   */
  readonly accuracy?: boolean;
}

/** What {@linkcode evaluate} returns. */
export interface Evaluation {
  /** The mean loss per example (each batch's loss weighted by its size). */
  readonly loss: number;
  /** The fraction of correctly classified rows, or undefined when not measured. */
  readonly accuracy: number | undefined;
  /** The number of examples seen. */
  readonly count: number;
}

/**
 * Runs the model in `"eval"` mode over `batches` with fixed `params` and `modelState` (a
 * {@linkcode TrainState} fits), and returns the mean loss and accuracy over all examples. Batch
 * losses (batch means) are weighted by the batch sizes, so uneven last batches count right.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * import { batches, evaluate } from "@convkit/convkit/train";
 * const model = dense(2);
 * const { params, state } = model.init(key(0), [-1, 3]);
 * const x = { data: new Float32Array(12), shape: [4, 3] };
 * const y = new Int32Array([0, 1, 0, 1]);
 * const data = batches(x, y, { batchSize: 3 });
 * const { loss } = await evaluate(model, { params, modelState: state }, data);
 * loss; // log(2): zero inputs give uniform predictions
 * ```
 */
export async function evaluate<P, S>(
  model: Model<P, S>,
  variables: { readonly params: P; readonly modelState?: S },
  batches: Iterable<Batch>,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const op = "evaluate";
  if (typeof variables !== "object" || variables === null || !("params" in variables)) {
    throw new TypeError(
      `${op}: variables must be { params, modelState }, but got ${show(variables)}`,
    );
  }
  const loss = options.loss ?? softmaxCrossEntropy;
  let total = 0;
  let correct = 0;
  let count = 0;
  let measured = options.accuracy;
  for (const batch of batches) {
    const [output] = model.apply(variables.params, batch.x, {
      mode: "eval",
      state: variables.modelState ?? ({} as S),
    });
    if (!(output instanceof Tensor)) {
      throw new TypeError(`${op}: the model must return one Tensor, but returned an array`);
    }
    const [value] = loss.vjp(output, batch.y);
    const n = output.rank === 0 ? 1 : output.shape[0];
    total += (await value.data())[0] * n;
    measured ??= batch.y.dtype === "int32";
    if (measured) correct += (await accuracyOf(output, batch.y)) * n;
    count += n;
  }
  if (count === 0) {
    throw new RangeError(`${op}: batches must hold at least one example, but held none`);
  }
  return { loss: total / count, accuracy: measured ? correct / count : undefined, count };
}
