/**
 * Training: losses, metrics, optimizers as pure gradient transformations, learning-rate
 * schedules, `valueAndGrad` for layers, a pure train step, evaluation, seeded batching and a
 * small `fit` loop with early stopping.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * import { adam, chain, clipByGlobalNorm, createTrainState, fit } from "@convkit/convkit/train";
 * const model = dense(2);
 * const optimizer = chain(clipByGlobalNorm(1), adam({ learningRate: 0.05 }));
 * const x = { data: new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]), shape: [4, 2] };
 * const y = new Int32Array([0, 1, 0, 1]);
 * const state = createTrainState(model.init(key(0), [-1, 2]), optimizer);
 * const { params, history } = await fit(model, state, {
 *   train: { x, y },
 *   optimizer,
 *   epochs: 3,
 *   batchSize: 2,
 *   key: key(1),
 * });
 * ```
 * @module
 */

export * from "./loss.ts";
export * from "./squared_error.ts";
export * from "./softmax_cross_entropy.ts";
export * from "./binary_cross_entropy.ts";
export * from "./metrics.ts";
export * from "./schedule.ts";
export * from "./optimizer.ts";
export * from "./sgd.ts";
export * from "./rmsprop.ts";
export * from "./adam.ts";
export * from "./weight_decay.ts";
export * from "./clip.ts";
export * from "./value_and_grad.ts";
export * from "./train_step.ts";
export * from "./evaluate.ts";
export * from "./batches.ts";
export * from "./fit.ts";
