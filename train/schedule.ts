/**
 * Learning-rate schedules: plain functions from the step number (0 for the first update) to a
 * learning rate. Any `(step) => number` is a schedule.
 * @module
 */

import { checkInt } from "../core/mod.ts";
import { checkNumber, checkOptions } from "./_util.ts";

/** A learning rate as a function of the step: 0 for the first update, 1 for the second, ... */
export type Schedule = (step: number) => number;

/** A learning rate: a constant, or a {@linkcode Schedule}. */
export type LearningRate = number | Schedule;

/**
 * The schedule of a learning rate (a number becomes a constant schedule). Throws a `TypeError`
 * for anything else and a `RangeError` for a negative or non-finite number.
 *
 * @example
 * ```ts
 * import { toSchedule } from "@convkit/convkit/train";
 * toSchedule(0.1)(5); // 0.1
 * ```
 */
export function toSchedule(learningRate: LearningRate, op = "toSchedule"): Schedule {
  if (typeof learningRate === "function") return learningRate;
  if (typeof learningRate !== "number") {
    throw new TypeError(
      `${op}: learningRate must be a number or a schedule (step) => number, but got ` +
        typeof learningRate,
    );
  }
  const value = checkNumber(op, "learningRate", learningRate, { min: 0 });
  return () => value;
}

/**
 * The same value at every step.
 *
 * @example
 * ```ts
 * import { constantSchedule } from "@convkit/convkit/train";
 * constantSchedule(0.01)(1000); // 0.01
 * ```
 */
export function constantSchedule(value: number): Schedule {
  const v = checkNumber("constantSchedule", "value", value);
  return () => v;
}

/** Options of {@linkcode stepDecay}. */
export interface StepDecayOptions {
  /** The value at step 0. */
  readonly initial: number;
  /** The factor applied every `everySteps` steps. @default {0.1} */
  readonly factor?: number;
  /** How many steps between two decays, an integer >= 1. */
  readonly everySteps: number;
}

/**
 * `initial * factor ** floor(step / everySteps)`: the value drops by `factor` every
 * `everySteps` steps (MatConvNet's and Caffe's "step" policy).
 *
 * @example
 * ```ts
 * import { stepDecay } from "@convkit/convkit/train";
 * const lr = stepDecay({ initial: 0.1, factor: 0.5, everySteps: 10 });
 * [lr(0), lr(9), lr(10), lr(25)]; // [0.1, 0.1, 0.05, 0.025]
 * ```
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const op = "stepDecay";
  const initial = checkNumber(op, "options.initial", checkOptions(op, options).initial);
  const factor = checkNumber(op, "options.factor", options.factor ?? 0.1);
  const every = checkInt(op, "options.everySteps", options.everySteps, 1);
  return (step) => initial * factor ** Math.floor(step / every);
}

/** Options of {@linkcode exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** The value at step 0. */
  readonly initial: number;
  /** The factor applied over every `decaySteps` steps, > 0. */
  readonly decayRate: number;
  /** The number of steps over which the value is multiplied by `decayRate`, > 0. @default {1} */
  readonly decaySteps?: number;
  /** Decay in whole steps of `decaySteps` (`floor(step / decaySteps)`). @default {false} */
  readonly staircase?: boolean;
}

/**
 * `initial * decayRate ** (step / decaySteps)` (with `floor` of the exponent when `staircase`).
 *
 * @example
 * ```ts
 * import { exponentialDecay } from "@convkit/convkit/train";
 * const lr = exponentialDecay({ initial: 1, decayRate: 0.5, decaySteps: 2 });
 * [lr(0), lr(1), lr(2)]; // [1, 0.7071067811865476, 0.5]
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const op = "exponentialDecay";
  const initial = checkNumber(op, "options.initial", checkOptions(op, options).initial);
  const rate = checkNumber(op, "options.decayRate", options.decayRate, {
    min: 0,
    minExclusive: true,
  });
  const steps = checkNumber(op, "options.decaySteps", options.decaySteps ?? 1, {
    min: 0,
    minExclusive: true,
  });
  const staircase = options.staircase ?? false;
  return (step) => {
    const e = step / steps;
    return initial * rate ** (staircase ? Math.floor(e) : e);
  };
}

/** Options of {@linkcode cosineDecay}. */
export interface CosineDecayOptions {
  /** The value at step 0. */
  readonly initial: number;
  /** The step at which the value reaches its floor `alpha * initial` and stays, >= 1. */
  readonly decaySteps: number;
  /** The final value as a fraction of `initial`, in `[0, 1]`. @default {0} */
  readonly alpha?: number;
}

/**
 * Cosine annealing (Loshchilov and Hutter): `initial * ((1 - alpha) * c + alpha)` with
 * `c = (1 + cos(pi * min(step, decaySteps) / decaySteps)) / 2`, so it falls from `initial` to
 * `alpha * initial` at `decaySteps` and stays there.
 *
 * @example
 * ```ts
 * import { cosineDecay } from "@convkit/convkit/train";
 * const lr = cosineDecay({ initial: 1, decaySteps: 100 });
 * [lr(0), lr(50), lr(100), lr(200)]; // [1, 0.5 (to rounding), 0, 0]
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const op = "cosineDecay";
  const initial = checkNumber(op, "options.initial", checkOptions(op, options).initial);
  const steps = checkNumber(op, "options.decaySteps", options.decaySteps, {
    min: 0,
    minExclusive: true,
  });
  const alpha = checkNumber(op, "options.alpha", options.alpha ?? 0, { min: 0, max: 1 });
  return (step) => {
    const c = (1 + Math.cos(Math.PI * Math.min(step, steps) / steps)) / 2;
    return initial * ((1 - alpha) * c + alpha);
  };
}
