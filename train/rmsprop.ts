/**
 * RMSProp: gradients divided by a running root mean square.
 * @module
 */

import {
  add,
  div,
  mul,
  sqrt,
  square,
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

/** Options of {@linkcode rmsprop}. */
export interface RmspropOptions {
  /** The step size: a number or a schedule of the step. */
  readonly learningRate: LearningRate;
  /** The decay of the running mean of squares, in `[0, 1)`. @default {0.9} */
  readonly decay?: number;
  /** Added to the root mean square to avoid dividing by 0, > 0. @default {1e-8} */
  readonly eps?: number;
}

/** The state of {@linkcode rmsprop}: the update count and the running mean of squares. */
export type RmspropState = { readonly count: Tensor; readonly nu: Tree };

/**
 * RMSProp (Tieleman and Hinton), as PyTorch writes it: `nu <- decay * nu + (1 - decay) * g^2`
 * (starting at 0), `updates = -lr * g / (sqrt(nu) + eps)`.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * import { rmsprop } from "@convkit/convkit/train";
 * const opt = rmsprop({ learningRate: 0.01, decay: 0.75, eps: 0 });
 * const g = { w: ones([1]) };
 * const [u] = opt.update(g, opt.init(g));
 * await u.w.data(); // Float32Array [-0.02] (nu = 0.25, sqrt(nu) = 0.5)
 * ```
 */
export function rmsprop(options: RmspropOptions): Optimizer<RmspropState> {
  const op = "rmsprop";
  checkOptions(op, options);
  const schedule = toSchedule(options.learningRate, op);
  const decay = checkNumber(op, "options.decay", options.decay ?? 0.9, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const eps = checkNumber(op, "options.eps", options.eps ?? 1e-8, { min: 0 });
  return {
    init: (params) => ({ count: makeCount(0, params), nu: treeMap(params, zerosLike) }),
    update: (grads, state) => {
      const { count, nu } = checkState(op, state, ["count", "nu"]);
      const step = readCount(op, count);
      const lr = rateAt(op, schedule, step);
      const [gs, ns] = zipLeaves(op, [["grads", grads], ["state.nu", nu]]);
      const newNu = gs.map((g, i) => add(mul(ns[i], decay), mul(square(g), 1 - decay)));
      const updates = gs.map((g, i) => mul(div(g, add(sqrt(newNu[i]), eps)), -lr));
      return [treeUnflatten(grads, updates), {
        count: makeCount(step + 1, grads),
        nu: treeUnflatten(nu, newNu),
      }];
    },
  };
}
