/**
 * Gradient clipping by the global norm of the whole gradient tree.
 * @module
 */

import {
  add,
  cast,
  div,
  maximum,
  mul,
  sqrt,
  square,
  sum,
  type Tensor,
  tensor,
  type Tree,
  treeLeaves,
  treeMap,
} from "../core/mod.ts";
import { checkNumber } from "./_util.ts";
import type { Optimizer } from "./optimizer.ts";
import type { EmptyState } from "./weight_decay.ts";

/**
 * The global L2 norm of a tree, `sqrt(sum over leaves of sum(leaf^2))`, as a scalar tensor in
 * the dtype and on the backend of the first leaf (0 for a tree without leaves, as float32).
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { globalNorm } from "@convkit/convkit/train";
 * await globalNorm({ w: tensor([3]), b: tensor([4]) }).data(); // Float32Array [5]
 * ```
 */
export function globalNorm(tree: Tree): Tensor {
  const leaves = treeLeaves(tree);
  if (leaves.length === 0) return tensor(0);
  const dtype = leaves[0].dtype;
  let total = sum(square(cast(leaves[0], dtype)));
  for (let i = 1; i < leaves.length; i++) {
    total = add(total, sum(square(cast(leaves[i], dtype))));
  }
  return sqrt(total);
}

/**
 * Scales the whole gradient tree so that its {@linkcode globalNorm} is at most `maxNorm`:
 * `g * maxNorm / max(norm, maxNorm)` (unchanged when the norm is already within bounds). The
 * factor stays on the device: no read-back. Chain it before an optimizer.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { clipByGlobalNorm } from "@convkit/convkit/train";
 * const clip = clipByGlobalNorm(1);
 * const g = { w: tensor([3]), b: tensor([4]) };
 * const [clipped] = clip.update(g, clip.init(g));
 * await clipped.w.data(); // Float32Array [0.6]
 * ```
 */
export function clipByGlobalNorm(maxNorm: number): Optimizer<EmptyState> {
  const max = checkNumber("clipByGlobalNorm", "maxNorm", maxNorm, { min: 0, minExclusive: true });
  return {
    init: () => ({}),
    update: (grads, state) => {
      if (treeLeaves(grads).length === 0) return [grads, state];
      const norm = globalNorm(grads);
      const factor = div(max, maximum(norm, max));
      return [treeMap(grads, (g) => mul(g, cast(factor, g.dtype))), state];
    },
  };
}
