/**
 * The policy network of AlphaGo (Silver et al., 2016, "Mastering the game of Go with deep neural
 * networks and tree search", the SL policy network), as the course notes describe it.
 * @module
 */

import { checkInt, show, typeError } from "../core/mod.ts";
import {
  conv2d,
  conv2dUntiedBias,
  flatten,
  type Layer,
  relu,
  serial,
  softmax,
} from "../layers/mod.ts";

/** Options of {@linkcode alphagoPolicy}. */
export interface AlphagoPolicyOptions {
  /**
   * The number of filters `k` of every hidden conv (the paper's match version used 192).
   * @default {192}
   */
  readonly filters?: number;
  /**
   * End with the softmax over the 361 points (`true`: move probabilities) or stop at the logits
   * (`false`: for training with softmax cross-entropy, which applies the softmax itself).
   * @default {true}
   */
  readonly softmax?: boolean;
}

/**
 * The AlphaGo policy network for a 19x19 board described by 48 feature planes: `[n, 19, 19, 48]`
 * to `[n, 361]`, a probability for each point (row-major: point `r * 19 + c`).
 *
 * - layer 1: zero-pad to 23x23, a 5x5 conv with `k` filters, ReLU;
 * - layers 2 to 12: zero-pad to 21x21, a 3x3 conv with `k` filters, ReLU (each keeps 19x19);
 * - layer 13: a 1x1 conv with one filter and a different bias for each of the 361 positions
 *   (`conv2dUntiedBias`), then the softmax over the 361 points.
 *
 * With `k = 192` it has 3,882,793 parameters. Weights are Glorot-uniform, biases zero.
 *
 * @example
 * ```ts
 * import "@convkit/convkit"; // sets the default backend
 * import { summary } from "@convkit/convkit/layers";
 * import { alphagoPolicy } from "@convkit/convkit/models";
 * const s = summary(alphagoPolicy(), [-1, 19, 19, 48]);
 * s.totalParams; // 3882793
 * s.outShape; // [-1, 361]
 * ```
 */
export function alphagoPolicy(options: AlphagoPolicyOptions = {}): Layer {
  const op = "alphagoPolicy";
  const k = checkInt(op, "options.filters", options.filters ?? 192, 1);
  const withSoftmax = options.softmax ?? true;
  if (typeof withSoftmax !== "boolean") {
    throw typeError(op, "options.softmax", "must be a boolean", `got ${show(withSoftmax)}`);
  }
  const layers: Layer[] = [conv2d(k, 5, { padding: 2, inChannels: 48 }), relu()];
  for (let i = 0; i < 11; i++) layers.push(conv2d(k, 3, { padding: 1 }), relu());
  layers.push(conv2dUntiedBias(1, 1), flatten());
  if (withSoftmax) layers.push(softmax());
  return serial(...layers);
}
