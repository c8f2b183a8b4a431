/**
 * The loss of a model on a batch and its gradient with respect to the params, in one pass.
 * @module
 */

import { onesLike, show, Tensor } from "../core/mod.ts";
import type { Ctx, Input, Layer, Params, State } from "../layers/layer.ts";
import type { Loss } from "./loss.ts";

/**
 * What training needs of a model: its `apply` (every `Layer` has one). `P` and `S` are the types
 * of its params and state.
 */
export type Model<P = Params, S = State> = Pick<Layer<P, S>, "apply">;

/** What {@linkcode valueAndGrad}'s function returns. */
export interface ValueAndGrad<P = Params, S = State> {
  /** The scalar loss. */
  readonly loss: Tensor;
  /** The gradient of the loss with respect to the params: a tree shaped like the params. */
  readonly grads: P;
  /** The model's new state (batch-norm statistics in train mode; else `ctx.state`). */
  readonly state: S;
  /** The model's output for `x` (the logits of a classifier). */
  readonly output: Tensor;
}

/** The function {@linkcode valueAndGrad} returns. */
export type ValueAndGradFn<P = Params, S = State> = (
  params: P,
  x: Input,
  target: Tensor,
  ctx?: Ctx<S>,
) => ValueAndGrad<P, S>;

/**
 * Builds `(params, x, target, ctx?) => { loss, grads, state, output }`: it runs
 * `model.apply(params, x, ctx)`, takes `loss.vjp(output, target)`, and pulls the cotangent 1 of
 * the loss back through both VJPs to the params. `ctx` goes to the model as it is (the mode,
 * the random key for dropout, the model state); layers default to `"eval"` mode, so pass
 * `{ mode: "train", key, state }` to train with dropout and batch norm, as
 * {@linkcode trainStep} does. The model must return one tensor, and the loss a scalar.
 *
 * @example
 * ```ts
 * import { key, tensor } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * import { softmaxCrossEntropy, valueAndGrad } from "@convkit/convkit/train";
 * const model = dense(3);
 * const { params } = model.init(key(0), [-1, 4]);
 * const f = valueAndGrad(model, softmaxCrossEntropy);
 * const x = tensor([[1, 2, 3, 4], [0, 1, 0, 1]]);
 * const { loss, grads } = f(params, x, tensor([0, 2], { dtype: "int32" }));
 * loss.shape; // []
 * ```
 */
export function valueAndGrad<P = Params, S = State>(
  model: Model<P, S>,
  loss: Loss,
): ValueAndGradFn<P, S> {
  const op = "valueAndGrad";
  if (typeof model !== "object" || model === null || typeof model.apply !== "function") {
    throw new TypeError(
      `${op}: model must be a layer (an object with apply), but got ${show(model)}`,
    );
  }
  if (
    typeof loss !== "object" && typeof loss !== "function" || loss === null ||
    typeof loss.vjp !== "function"
  ) {
    throw new TypeError(
      `${op}: loss must be a loss op (with vjp(pred, target)), such as softmaxCrossEntropy, ` +
        `but got ${show(loss)}`,
    );
  }
  return (params, x, target, ctx = {}) => {
    const [output, modelVjp, newState] = model.apply(params, x, ctx);
    if (!(output instanceof Tensor)) {
      throw new TypeError(
        `${op}: the model must return one Tensor, but returned ${
          Array.isArray(output) ? `an array of ${output.length}` : show(output)
        }`,
      );
    }
    const [value, lossVjp] = loss.vjp(output, target);
    if (!(value instanceof Tensor) || value.rank !== 0) {
      throw new TypeError(
        `${op}: the loss must be a scalar (shape []), but has shape ${
          value instanceof Tensor ? show(value.shape) : show(value)
        }`,
      );
    }
    const [dOutput] = lossVjp(onesLike(value));
    if (dOutput === undefined) {
      throw new TypeError(`${op}: the loss VJP returned no gradient for the predictions`);
    }
    const [grads] = modelVjp(dOutput);
    return { loss: value, grads, state: newState ?? ctx.state ?? ({} as S), output };
  };
}
