/**
 * Tree helpers for the optimizers (private to `train/`): walking several trees of one structure
 * leaf by leaf, and the step counter kept in optimizer states.
 * @module
 */

import {
  getDefaultBackend,
  show,
  type Tensor,
  tensor,
  type Tree,
  treeFlatten,
  treeLeaves,
  treeZip,
} from "../core/mod.ts";
import { sameShape } from "./_util.ts";

/**
 * The leaves of several trees that must share the first tree's structure and leaf shapes:
 * `leaves[t][i]` is leaf `i` of tree `t`. Throws a `TypeError` naming the trees and the path.
 */
export function zipLeaves(
  op: string,
  named: readonly (readonly [name: string, tree: Tree])[],
): Tensor[][] {
  const [firstName, first] = named[0];
  for (let t = 1; t < named.length; t++) {
    const [name, tree] = named[t];
    let pairs: [Tensor, Tensor, string][];
    try {
      pairs = treeZip(first, tree);
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^treeZip: /, "") : String(e);
      throw new TypeError(
        `${op}: ${name} must have the tree structure of ${firstName}, but ${why}`,
      );
    }
    for (const [a, b, path] of pairs) {
      if (!sameShape(a.shape, b.shape)) {
        throw new TypeError(
          `${op}: ${name} must have the leaf shapes of ${firstName}, but at ${
            path === "" ? "the root" : path
          } ${firstName} has shape ${show(a.shape)} and ${name} has ${show(b.shape)}`,
        );
      }
    }
  }
  return named.map(([, tree]) => treeLeaves(tree));
}

const counts = new WeakMap<Tensor, number>();

/**
 * A step counter: an int32 scalar tensor on the backend of the first leaf of `like` (or the
 * default backend). Its value is remembered, so reading it back needs no device read.
 */
export function makeCount(value: number, like: Tree | Tensor): Tensor {
  const leaves = treeLeaves(like as Tree);
  const backend = leaves.length > 0 ? leaves[0].backend : getDefaultBackend();
  const t = tensor(value, { dtype: "int32", backend });
  counts.set(t, value);
  return t;
}

/** The value of a step counter made by {@linkcode makeCount}, or read from a loaded one. */
export function readCount(op: string, count: unknown): number {
  const known = counts.get(count as Tensor);
  if (known !== undefined) return known;
  const t = count as Tensor;
  const ok = typeof t === "object" && t !== null && "dtype" in t && t.dtype === "int32" &&
    t.size === 1;
  if (!ok) {
    throw new TypeError(
      `${op}: state.count must be an int32 scalar tensor (the state from init), but got ${
        show(count)
      }`,
    );
  }
  if (!t.backend.readSync) {
    throw new TypeError(
      `${op}: state.count was not made by this optimizer and the ${t.backend.name} backend ` +
        `cannot read it synchronously; load optimizer states on the scalar backend`,
    );
  }
  const value = t.dataSync()[0];
  counts.set(t, value);
  return value;
}

/** Checks that `state` is an object with `keys` (the state an optimizer's init made). */
export function checkState<K extends string>(
  op: string,
  state: unknown,
  keys: readonly K[],
): Record<K, Tree> {
  const ok = typeof state === "object" && state !== null && !Array.isArray(state) &&
    keys.every((k) => Object.hasOwn(state, k));
  if (!ok) {
    throw new TypeError(
      `${op}: state must be the state from ${op}(...).init(params), an object with keys ${
        show(keys)
      }, but got ${
        typeof state === "object" && state !== null
          ? `keys ${show(Object.keys(state))}`
          : show(state)
      }`,
    );
  }
  return state as Record<K, Tree>;
}

/** The learning rate of `schedule` at `step`, checked to be a finite number. */
export function rateAt(op: string, schedule: (step: number) => number, step: number): number {
  const lr = schedule(step);
  if (typeof lr !== "number" || !Number.isFinite(lr)) {
    throw new RangeError(
      `${op}: the learning-rate schedule must return a finite number, but returned ${
        show(lr)
      } at step ${step}`,
    );
  }
  return lr;
}

/** Which leaves of `params` to decay (checks that params fit the grads). */
export function decayedLeaves(
  op: string,
  grads: Tree,
  params: Tree | undefined,
  mask: ((path: string, param: Tensor) => boolean) | undefined,
): boolean[] {
  if (params === undefined) {
    throw new TypeError(`${op}: update needs params (update(grads, state, params)) to decay them`);
  }
  zipLeaves(op, [["grads", grads], ["params", params]]);
  const { paths, leaves } = treeFlatten(params);
  return paths.map((p, i) => (mask === undefined ? true : mask(p, leaves[i]) === true));
}
