/**
 * Stochastic gradient descent, plain and with (Nesterov) momentum.
 * @module
 */

import {
  add,
  mul,
  type Tensor,
  type Tree,
  treeMap,
  treeUnflatten,
  zerosLike,
} from "../core/mod.ts";
import { checkState, makeCount, rateAt, readCount, zipLeaves } from "./_tree.ts";
import { checkNumber, checkOptions } from "./_util.ts";
import type { Optimizer } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";

/** Options of {@linkcode sgd}. */
export interface SgdOptions {
  /** The step size: a number or a schedule of the step. */
  readonly learningRate: LearningRate;
}

/** The state of {@linkcode sgd}: the number of updates made so far. */
export type SgdState = { readonly count: Tensor };

/**
 * Plain gradient descent: `updates = -learningRate(step) * grads`, `step` counting updates from 0.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * import { applyUpdates, sgd } from "@convkit/convkit/train";
 * const opt = sgd({ learningRate: 0.5 });
 * const params = { w: ones([2]) };
 * const [updates] = opt.update({ w: ones([2]) }, opt.init(params));
 * await applyUpdates(params, updates).w.data(); // Float32Array [0.5, 0.5]
 * ```
 */
export function sgd(options: SgdOptions): Optimizer<SgdState> {
  const op = "sgd";
  const schedule = toSchedule(checkOptions(op, options).learningRate, op);
  return {
    init: (params) => ({ count: makeCount(0, params) }),
    update: (grads, state) => {
      const { count } = checkState(op, state, ["count"]);
      const step = readCount(op, count);
      const lr = rateAt(op, schedule, step);
      return [treeMap(grads, (g) => mul(g, -lr)), { count: makeCount(step + 1, grads) }];
    },
  };
}

/** Options of {@linkcode momentum}. */
export interface MomentumOptions {
  /** The step size: a number or a schedule of the step. */
  readonly learningRate: LearningRate;
  /** The decay of the velocity, in `[0, 1)`. @default {0.9} */
  readonly momentum?: number;
  /** Use Nesterov's look-ahead form. @default {false} */
  readonly nesterov?: boolean;
}

/** The state of {@linkcode momentum}: the update count and the velocity (shaped like params). */
export type MomentumState = { readonly count: Tensor; readonly velocity: Tree };

/**
 * Gradient descent with momentum, as PyTorch and optax write it: the velocity
 * `v <- momentum * v + g` (starting at 0), and `updates = -lr * v`, or with Nesterov
 * `updates = -lr * (g + momentum * v)` using the new `v`.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * import { momentum } from "@convkit/convkit/train";
 * const opt = momentum({ learningRate: 0.1, momentum: 0.9 });
 * const g = { w: ones([1]) };
 * const [u1, s1] = opt.update(g, opt.init(g));
 * const [u2] = opt.update(g, s1);
 * await u2.w.data(); // Float32Array [-0.19] (v = 0.9 * 1 + 1)
 * ```
 */
export function momentum(options: MomentumOptions): Optimizer<MomentumState> {
  const op = "momentum";
  checkOptions(op, options);
  const schedule = toSchedule(options.learningRate, op);
  const beta = checkNumber(op, "options.momentum", options.momentum ?? 0.9, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const nesterov = options.nesterov ?? false;
  return {
    init: (params) => ({ count: makeCount(0, params), velocity: treeMap(params, zerosLike) }),
    update: (grads, state) => {
      const { count, velocity } = checkState(op, state, ["count", "velocity"]);
      const step = readCount(op, count);
      const lr = rateAt(op, schedule, step);
      const [gs, vs] = zipLeaves(op, [["grads", grads], ["state.velocity", velocity]]);
      const newV = gs.map((g, i) => add(mul(vs[i], beta), g));
      const updates = gs.map((g, i) => mul(nesterov ? add(g, mul(newV[i], beta)) : newV[i], -lr));
      return [treeUnflatten(grads, updates), {
        count: makeCount(step + 1, grads),
        velocity: treeUnflatten(velocity, newV),
      }];
    },
  };
}
