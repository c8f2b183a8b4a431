/**
 * Optimizers as pure gradient transformations (as in optax): `init(params)` makes a state,
 * `update(grads, state, params)` returns the updates and the next state, and
 * {@linkcode applyUpdates} adds the updates to the params. Nothing is mutated; states are plain
 * trees of tensors (step counters are int32 scalars), so they can be saved like params.
 * @module
 */

import { add, show, type Tree, treeMap2 } from "../core/mod.ts";
import { zipLeaves } from "./_tree.ts";

/**
 * A gradient transformation. `S` is its state, a plain tree of tensors.
 *
 * - `init(params)` returns the initial state for a param tree.
 * - `update(grads, state, params?)` returns `[updates, nextState]`: `updates` has the structure
 *   of `grads` (the params' tree) and is added to the params by {@linkcode applyUpdates}, so a
 *   descent step is a negative update. `params` is needed only by transformations that look at
 *   the params (weight decay). Neither the inputs nor the state are changed.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * import { applyUpdates, sgd } from "@convkit/convkit/train";
 * const params = { w: ones([2]) };
 * const opt = sgd({ learningRate: 0.1 });
 * const state = opt.init(params);
 * const [updates, next] = opt.update({ w: ones([2]) }, state, params);
 * await applyUpdates(params, updates).w.data(); // Float32Array [0.9, 0.9]
 * ```
 */
export interface Optimizer<S extends Tree = Tree> {
  /** The initial state for `params`. */
  init(params: Tree): S;
  /** The updates for `grads` and the next state. */
  update<T extends Tree>(grads: T, state: S, params?: Tree): [T, S];
}

/**
 * `params + updates`, leaf by leaf: a new tree with the structure of `params`. Throws a
 * `TypeError` naming the path where the structures or leaf shapes differ.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * import { applyUpdates } from "@convkit/convkit/train";
 * await applyUpdates({ b: ones([2]) }, { b: ones([2]) }).b.data(); // Float32Array [2, 2]
 * ```
 */
export function applyUpdates<T extends Tree>(params: T, updates: Tree): T {
  zipLeaves("applyUpdates", [["params", params], ["updates", updates]]);
  return treeMap2(params, updates, (p, u) => add(p, u));
}

/** The state of {@linkcode chain}: the states of its transformations, in order. */
export type ChainState = readonly Tree[];

/**
 * Composes transformations: each one's updates are the next one's gradients, so
 * `chain(clipByGlobalNorm(1), adam())` clips the gradients and then applies Adam. The state is
 * the array of the parts' states.
 *
 * @example
 * ```ts
 * import { adam, chain, clipByGlobalNorm } from "@convkit/convkit/train";
 * const optimizer = chain(clipByGlobalNorm(1), adam({ learningRate: 1e-3 }));
 * ```
 */
export function chain(...transforms: Optimizer<Tree>[]): Optimizer<ChainState> {
  transforms.forEach((t, i) => {
    if (
      typeof t !== "object" || t === null || typeof t.init !== "function" ||
      typeof t.update !== "function"
    ) {
      throw new TypeError(
        `chain: transforms[${i}] must be an optimizer with init and update, but got ${show(t)}`,
      );
    }
  });
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: (grads, state, params) => {
      if (!Array.isArray(state) || state.length !== transforms.length) {
        throw new TypeError(
          `chain: state must be the array of ${transforms.length} states from init, but got ${
            Array.isArray(state) ? `an array of length ${state.length}` : show(state)
          }`,
        );
      }
      let updates = grads;
      const next = transforms.map((t, i) => {
        const [u, s] = t.update(updates, state[i], params);
        updates = u;
        return s;
      });
      return [updates, next];
    },
  };
}
