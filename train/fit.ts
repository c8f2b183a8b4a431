/**
 * A small training loop: epochs of seeded shuffled batches, progress callbacks, validation and
 * early stopping that keeps the best params.
 * @module
 */

import { checkInt, foldIn, type Key, show, split } from "../core/mod.ts";
import type { Params, State } from "../layers/layer.ts";
import { batches, type DataArray, type HostArray } from "./batches.ts";
import { evaluate } from "./evaluate.ts";
import type { Loss } from "./loss.ts";
import { accuracy } from "./metrics.ts";
import type { Optimizer } from "./optimizer.ts";
import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";
import { type TrainState, trainStep } from "./train_step.ts";
import type { Model } from "./value_and_grad.ts";
import { checkNumber } from "./_util.ts";

/** A data set: inputs and targets with the same first axis (see {@linkcode batches}). */
export interface Dataset {
  /** The inputs `[n, ...]`. */
  readonly x: DataArray;
  /** The targets `[n, ...]`. */
  readonly y: DataArray;
}

/** What `onBatch` is told after each step. */
export interface BatchReport {
  /** The epoch, from 0. */
  readonly epoch: number;
  /** The batch within the epoch, from 0. */
  readonly batch: number;
  /** The number of batches per epoch. */
  readonly batches: number;
  /** The steps taken so far, this one included. */
  readonly step: number;
  /** The number of examples in this batch. */
  readonly size: number;
  /** This batch's loss (before the update). */
  readonly loss: number;
  /** This batch's accuracy, when measured. */
  readonly accuracy: number | undefined;
  /** Seconds since the epoch began. */
  readonly seconds: number;
}

/** One epoch of the history, also what `onEpoch` is told. */
export interface EpochReport {
  /** The epoch, from 0. */
  readonly epoch: number;
  /** The mean training loss over the epoch's examples (measured as the params moved). */
  readonly trainLoss: number;
  /** The mean training accuracy, when measured. */
  readonly trainAccuracy: number | undefined;
  /** The validation loss after the epoch, with validation data. */
  readonly valLoss: number | undefined;
  /** The validation accuracy after the epoch, when measured. */
  readonly valAccuracy: number | undefined;
  /** Seconds the epoch took (validation included). */
  readonly seconds: number;
  /** True when this epoch's params are the best so far (and so returned unless beaten). */
  readonly best: boolean;
}

/** Options of {@linkcode fit}. */
export interface FitOptions {
  /** The training data. */
  readonly train: Dataset;
  /** Validation data, for early stopping and for choosing the best params. */
  readonly validation?: Dataset;
  /** The optimizer: the one whose `init` made `trainState.optState`. */
  readonly optimizer: Optimizer;
  /** The loss. @default {softmaxCrossEntropy} */
  readonly loss?: Loss;
  /** The number of passes over the training data, >= 1. */
  readonly epochs: number;
  /** Examples per batch. @default {32} */
  readonly batchSize?: number;
  /** The key for shuffling and dropout: epoch `e` uses `foldIn(key, e)`. */
  readonly key: Key;
  /** Leave out the last, smaller batch of each epoch. @default {false} */
  readonly dropLast?: boolean;
  /**
   * Stop after this many epochs in a row without a validation loss below the best by more than
   * `minDelta`. Needs `validation`. @default {Infinity}
   */
  readonly patience?: number;
  /** The improvement that counts for early stopping, >= 0. @default {0} */
  readonly minDelta?: number;
  /** Measure accuracy. @default {true when the targets are int32 class indices} */
  readonly accuracy?: boolean;
  /**
   * Data augmentation: transforms each training batch's inputs on the host, given a key that is
   * fresh for every batch of every epoch (derived from `key`). Not applied to validation data.
   * E.g. `(k, x) => randomShift(k, x, { maxShift: 2 })` from `data/`.
   */
  readonly augment?: (key: Key, x: HostArray) => HostArray;
  /** Called after every step (for a progress bar); may be async. */
  readonly onBatch?: (report: BatchReport) => void | Promise<void>;
  /** Called after every epoch; may be async. */
  readonly onEpoch?: (report: EpochReport) => void | Promise<void>;
}

/** What {@linkcode fit} returns. */
export interface FitResult<P extends Params = Params, S extends State = State> {
  /** The best params: lowest validation loss, or the last ones without validation data. */
  readonly params: P;
  /** The model state that goes with `params`. */
  readonly modelState: S;
  /** The epoch `params` come from. */
  readonly bestEpoch: number;
  /** The state after the last epoch run (to resume training). */
  readonly trainState: TrainState<P, S>;
  /** One report per epoch run. */
  readonly history: EpochReport[];
  /** True when early stopping ended training before `epochs`. */
  readonly stoppedEarly: boolean;
}

/**
 * Trains `model` from `trainState` for `epochs` passes over `options.train`, each in the order
 * of a fresh seeded permutation, with {@linkcode trainStep}. After each epoch it evaluates on
 * `options.validation` (if given) and keeps the params with the lowest validation loss; it stops
 * early when that loss has not improved by more than `minDelta` for `patience` epochs. Returns
 * the best params and state, the final train state and the history. Deterministic for a key.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * import { createTrainState, fit, sgd } from "@convkit/convkit/train";
 * const model = dense(2);
 * const optimizer = sgd({ learningRate: 0.5 });
 * const x = { data: new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]), shape: [4, 2] };
 * const y = new Int32Array([0, 1, 0, 1]);
 * const result = await fit(model, createTrainState(model.init(key(0), [-1, 2]), optimizer), {
 *   train: { x, y },
 *   validation: { x, y },
 *   optimizer,
 *   epochs: 5,
 *   batchSize: 2,
 *   key: key(1),
 *   patience: 2,
 * });
 * result.history.length; // at most 5
 * ```
 */
export async function fit<P extends Params, S extends State>(
  model: Model<P, S>,
  trainState: TrainState<P, S>,
  options: FitOptions,
): Promise<FitResult<P, S>> {
  const op = "fit";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${op}: options must be an object, but got ${show(options)}`);
  }
  const epochs = checkInt(op, "options.epochs", options.epochs, 1);
  const batchSize = checkInt(op, "options.batchSize", options.batchSize ?? 32, 1);
  const patience = options.patience ?? Infinity;
  if (patience !== Infinity) checkInt(op, "options.patience", patience, 1);
  if (options.patience !== undefined && options.validation === undefined) {
    throw new TypeError(
      `${op}: options.patience needs options.validation to watch, but it is missing`,
    );
  }
  const minDelta = checkNumber(op, "options.minDelta", options.minDelta ?? 0, { min: 0 });
  if (typeof options.train !== "object" || options.train === null) {
    throw new TypeError(`${op}: options.train must be { x, y }, but got ${show(options.train)}`);
  }
  const loss = options.loss ?? softmaxCrossEntropy;
  const step = trainStep(model, loss, options.optimizer);
  const dropLast = options.dropLast ?? false;

  let state = trainState;
  let best = { params: state.params, modelState: state.modelState, epoch: -1, loss: Infinity };
  let waited = 0;
  let stoppedEarly = false;
  const history: EpochReport[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    const [shuffleKey, stepKey, augmentKey] = split(foldIn(options.key, epoch), 3);
    const augment = options.augment;
    const train = batches(options.train.x, options.train.y, {
      batchSize,
      key: shuffleKey,
      dropLast,
      augment: augment && ((x, index) => augment(foldIn(augmentKey, index), x)),
    });
    let count = 0;
    let lossSum = 0;
    let correct = 0;
    let measured = options.accuracy;
    let index = 0;
    for (const batch of train) {
      const [next, metrics] = step(state, batch, foldIn(stepKey, index));
      state = next;
      const n = batch.x.shape[0];
      const value = (await metrics.loss.data())[0];
      measured ??= batch.y.dtype === "int32";
      const acc = measured ? await accuracy(metrics.output, batch.y) : undefined;
      lossSum += value * n;
      correct += (acc ?? 0) * n;
      count += n;
      await options.onBatch?.({
        epoch,
        batch: index,
        batches: train.count,
        step: state.step,
        size: n,
        loss: value,
        accuracy: acc,
        seconds: (performance.now() - start) / 1000,
      });
      index++;
    }
    const val = options.validation === undefined ? undefined : await evaluate(
      model,
      state,
      batches(options.validation.x, options.validation.y, { batchSize }),
      { loss, accuracy: options.accuracy },
    );
    const score = val === undefined ? -epoch : val.loss;
    const improved = score < best.loss - (val === undefined ? 0 : minDelta);
    if (improved) {
      best = { params: state.params, modelState: state.modelState, epoch, loss: score };
      waited = 0;
    } else {
      waited++;
    }
    const report: EpochReport = {
      epoch,
      trainLoss: count === 0 ? NaN : lossSum / count,
      trainAccuracy: measured && count > 0 ? correct / count : undefined,
      valLoss: val?.loss,
      valAccuracy: val?.accuracy,
      seconds: (performance.now() - start) / 1000,
      best: improved,
    };
    history.push(report);
    await options.onEpoch?.(report);
    if (waited >= patience && epoch < epochs - 1) {
      stoppedEarly = true;
      break;
    }
  }
  return {
    params: best.params,
    modelState: best.modelState,
    bestEpoch: best.epoch,
    trainState: state,
    history,
    stoppedEarly,
  };
}
