/**
 * Adam, and AdamW with decoupled weight decay.
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
  treeFlatten,
  treeMap,
  treeUnflatten,
  zerosLike,
} from "../core/mod.ts";
import { checkState, decayedLeaves, makeCount, rateAt, readCount, zipLeaves } from "./_tree.ts";
import { checkNumber, checkOptions } from "./_util.ts";
import type { Optimizer } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import type { DecayMask } from "./weight_decay.ts";

/** Options of {@linkcode adam}. */
export interface AdamOptions {
  /** The step size: a number or a schedule of the step. @default {1e-3} */
  readonly learningRate?: LearningRate;
  /** The decay of the first moment, in `[0, 1)`. @default {0.9} */
  readonly beta1?: number;
  /** The decay of the second moment, in `[0, 1)`. @default {0.999} */
  readonly beta2?: number;
  /** Added to the root of the second moment, >= 0. @default {1e-8} */
  readonly eps?: number;
}

/** Options of {@linkcode adamw}. */
export interface AdamwOptions extends AdamOptions {
  /** The decoupled weight decay factor, >= 0. @default {1e-4} */
  readonly weightDecay?: number;
  /** Which params to decay. @default {every param} */
  readonly mask?: DecayMask;
}

/** The state of {@linkcode adam} and {@linkcode adamw}: the count and both moments. */
export type AdamState = { readonly count: Tensor; readonly mu: Tree; readonly nu: Tree };

function adamLike(op: string, options: AdamwOptions, decoupled: boolean): Optimizer<AdamState> {
  checkOptions(op, options);
  const schedule = toSchedule(options.learningRate ?? 1e-3, op);
  const unit = { min: 0, max: 1, maxExclusive: true };
  const b1 = checkNumber(op, "options.beta1", options.beta1 ?? 0.9, unit);
  const b2 = checkNumber(op, "options.beta2", options.beta2 ?? 0.999, unit);
  const eps = checkNumber(op, "options.eps", options.eps ?? 1e-8, { min: 0 });
  const wd = decoupled
    ? checkNumber(op, "options.weightDecay", options.weightDecay ?? 1e-4, { min: 0 })
    : 0;
  return {
    init: (params) => ({
      count: makeCount(0, params),
      mu: treeMap(params, zerosLike),
      nu: treeMap(params, zerosLike),
    }),
    update: (grads, state, params) => {
      const { count, mu, nu } = checkState(op, state, ["count", "mu", "nu"]);
      const step = readCount(op, count);
      const lr = rateAt(op, schedule, step);
      const [gs, ms, vs] = zipLeaves(op, [["grads", grads], ["state.mu", mu], ["state.nu", nu]]);
      const t = step + 1;
      const c1 = 1 / (1 - b1 ** t);
      const c2 = 1 / (1 - b2 ** t);
      const newM = gs.map((g, i) => add(mul(ms[i], b1), mul(g, 1 - b1)));
      const newV = gs.map((g, i) => add(mul(vs[i], b2), mul(square(g), 1 - b2)));
      let directions = gs.map((_, i) => div(mul(newM[i], c1), add(sqrt(mul(newV[i], c2)), eps)));
      if (decoupled && wd > 0) {
        const decayed = decayedLeaves(op, grads, params, options.mask);
        const { leaves: ps } = treeFlatten(params!);
        directions = directions.map((d, i) => (decayed[i] ? add(d, mul(ps[i], wd)) : d));
      }
      return [treeUnflatten(grads, directions.map((d) => mul(d, -lr))), {
        count: makeCount(t, grads),
        mu: treeUnflatten(mu, newM),
        nu: treeUnflatten(nu, newV),
      }];
    },
  };
}

/**
 * Adam (Kingma and Ba) with bias correction: at step `t` (1 for the first update),
 * `mu <- beta1 mu + (1 - beta1) g`, `nu <- beta2 nu + (1 - beta2) g^2`, and
 * `updates = -lr * (mu / (1 - beta1^t)) / (sqrt(nu / (1 - beta2^t)) + eps)`.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { adam } from "@convkit/convkit/train";
 * const opt = adam({ learningRate: 0.1 });
 * const g = { w: tensor([2, -3]) };
 * const [u] = opt.update(g, opt.init(g));
 * await u.w.data(); // about [-0.1, 0.1]: the first step is lr * sign(g)
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  return adamLike("adam", options, false);
}

/**
 * AdamW (Loshchilov and Hutter): Adam with weight decay decoupled from the gradient,
 * `updates = -lr * (adamDirection + weightDecay * params)`, as optax and PyTorch do. `update`
 * needs `params`. `mask` picks the params to decay (for example not the biases).
 *
 * @example
 * ```ts
 * import { adamw } from "@convkit/convkit/train";
 * // decay every param but the biases
 * const mask = (path: string) => !path.endsWith(".b");
 * const opt = adamw({ learningRate: 1e-3, weightDecay: 1e-2, mask });
 * ```
 */
export function adamw(options: AdamwOptions = {}): Optimizer<AdamState> {
  return adamLike("adamw", options, true);
}
