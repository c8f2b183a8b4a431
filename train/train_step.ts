/**
 * One pure training step: loss, gradients, optimizer update, new params and state.
 * @module
 */

import { type Key, show, type Tensor, type Tree } from "../core/mod.ts";
import type { Params, State } from "../layers/layer.ts";
import type { Batch } from "./batches.ts";
import type { Loss } from "./loss.ts";
import { applyUpdates, type Optimizer } from "./optimizer.ts";
import { type Model, valueAndGrad } from "./value_and_grad.ts";

/** Everything that changes during training. Replaced, never mutated, by each step. */
export interface TrainState<P extends Params = Params, S extends State = State> {
  /** The model params. */
  readonly params: P;
  /** The model state (batch-norm running averages; `{}` for none). */
  readonly modelState: S;
  /** The optimizer state. */
  readonly optState: Tree;
  /** The number of steps taken. */
  readonly step: number;
}

/** What a step reports, as tensors (read them when you need the numbers). */
export interface StepMetrics {
  /** The batch's loss before the update, a scalar. */
  readonly loss: Tensor;
  /** The model's output on the batch before the update (the logits of a classifier). */
  readonly output: Tensor;
}

/** A pure training step, as {@linkcode trainStep} builds it. */
export type TrainStep<P extends Params = Params, S extends State = State> = (
  state: TrainState<P, S>,
  batch: Batch,
  key?: Key,
) => [TrainState<P, S>, StepMetrics];

/**
 * The initial {@linkcode TrainState} for the params and state of a model's `init` and an
 * optimizer: `optState = optimizer.init(params)`, `step = 0`.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * import { createTrainState, sgd } from "@convkit/convkit/train";
 * const model = dense(2);
 * const state = createTrainState(model.init(key(0), [-1, 3]), sgd({ learningRate: 0.1 }));
 * state.step; // 0
 * ```
 */
export function createTrainState<P extends Params, S extends State = State>(
  variables: { readonly params: P; readonly state?: S },
  optimizer: Optimizer,
): TrainState<P, S> {
  if (typeof variables !== "object" || variables === null || !("params" in variables)) {
    throw new TypeError(
      `createTrainState: variables must be { params, state } (what a layer's init returns), ` +
        `but got ${show(variables)}`,
    );
  }
  return {
    params: variables.params,
    modelState: variables.state ?? ({} as S),
    optState: optimizer.init(variables.params),
    step: 0,
  };
}

/**
 * Builds a pure step `(trainState, batch, key?) => [nextTrainState, metrics]`: it runs the model
 * in `"train"` mode on `batch.x` with `key` (for dropout) and the model state, takes the
 * gradient of `loss(output, batch.y)`, asks `optimizer` for the updates and applies them.
 * `trainState` is not changed; the next one has `step + 1`.
 *
 * @example
 * ```ts
 * import { key, tensor } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * import { createTrainState, sgd, softmaxCrossEntropy, trainStep } from "@convkit/convkit/train";
 * const model = dense(2);
 * const optimizer = sgd({ learningRate: 0.1 });
 * const step = trainStep(model, softmaxCrossEntropy, optimizer);
 * let state = createTrainState(model.init(key(0), [-1, 3]), optimizer);
 * const batch = { x: tensor([[1, 0, 0], [0, 1, 0]]), y: tensor([0, 1], { dtype: "int32" }) };
 * const [next, metrics] = step(state, batch, key(1));
 * next.step; // 1
 * ```
 */
export function trainStep<P extends Params, S extends State>(
  model: Model<P, S>,
  loss: Loss,
  optimizer: Optimizer,
): TrainStep<P, S> {
  const f = valueAndGrad(model, loss);
  if (
    typeof optimizer !== "object" || optimizer === null || typeof optimizer.update !== "function"
  ) {
    throw new TypeError(
      `trainStep: optimizer must have init and update (such as sgd(...)), but got ${
        show(optimizer)
      }`,
    );
  }
  return (state, batch, key) => {
    const { loss: value, grads, state: modelState, output } = f(state.params, batch.x, batch.y, {
      mode: "train",
      key,
      state: state.modelState,
    });
    const [updates, optState] = optimizer.update(grads, state.optState, state.params);
    const params = applyUpdates(state.params, updates);
    return [{ params, modelState, optState, step: state.step + 1 }, { loss: value, output }];
  };
}
