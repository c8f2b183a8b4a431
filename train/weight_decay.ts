/**
 * Weight decay as a gradient transformation: adds `weightDecay * params` to the gradients.
 * @module
 */

import { add, mul, type Tensor, treeFlatten, treeUnflatten } from "../core/mod.ts";
import { decayedLeaves } from "./_tree.ts";
import { checkNumber, checkOptions } from "./_util.ts";
import type { Optimizer } from "./optimizer.ts";

/** Picks the params to decay from their path (such as `conv1.w`) and value. */
export type DecayMask = (path: string, param: Tensor) => boolean;

/** Options of {@linkcode addDecayedWeights}. */
export interface AddDecayedWeightsOptions {
  /** The factor of the params added to the gradients, >= 0. */
  readonly weightDecay: number;
  /** Which params to decay. @default {every param} */
  readonly mask?: DecayMask;
}

/** The state of {@linkcode addDecayedWeights}: empty. */
export type EmptyState = Record<string, never>;

/**
 * Adds `weightDecay * params` to the gradients (L2 regularisation, the gradient of
 * `weightDecay / 2 * ||params||^2`). Chained before an optimizer it is classic coupled weight
 * decay, `chain(addDecayedWeights({ weightDecay: 5e-4 }), momentum({ learningRate: 0.01 }))`;
 * for decoupled decay with Adam use `adamw`. `update` needs `params`.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * import { addDecayedWeights } from "@convkit/convkit/train";
 * const t = addDecayedWeights({ weightDecay: 0.5 });
 * const params = { w: ones([1]) };
 * const [g] = t.update({ w: ones([1]) }, t.init(params), params);
 * await g.w.data(); // Float32Array [1.5]
 * ```
 */
export function addDecayedWeights(options: AddDecayedWeightsOptions): Optimizer<EmptyState> {
  const op = "addDecayedWeights";
  checkOptions(op, options);
  const wd = checkNumber(op, "options.weightDecay", options.weightDecay, { min: 0 });
  return {
    init: () => ({}),
    update: (grads, state, params) => {
      const decayed = decayedLeaves(op, grads, params, options.mask);
      const { leaves: ps } = treeFlatten(params!);
      const { leaves: gs } = treeFlatten(grads);
      const out = gs.map((g, i) => (decayed[i] && wd > 0 ? add(g, mul(ps[i], wd)) : g));
      return [treeUnflatten(grads, out), state];
    },
  };
}
