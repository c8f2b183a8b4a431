/**
 * Activation layers: relu, sigmoid, tanh, softmax and logSoftmax. No params, shape kept.
 * @module
 */

import {
  logSoftmax as logSoftmaxOp,
  normalizeAxis,
  relu as reluOp,
  sigmoid as sigmoidOp,
  softmax as softmaxOp,
  tanh as tanhOp,
  type Tensor,
} from "../core/mod.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { perExample, row, singleInput, singleShape } from "./_util.ts";

function elementwise(
  op: string,
  flopsPerElement: number,
  run: (x: Tensor) => [Tensor, (dy: Tensor) => [Tensor]],
  checkShape: (shape: number[]) => void = () => {},
): Layer<Empty, Empty> {
  return stateless<Empty>(op, (_key, inShape) => {
    const s = singleShape(op, inShape);
    checkShape(s);
    return { params: {}, outShape: s, info: [row(op, s, 0, flopsPerElement * perExample(s))] };
  }, (_params, input) => {
    const [y, vjp] = run(singleInput(op, input));
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))[0]]];
  });
}

/**
 * `max(x, 0)` elementwise (relu'(0) = 0). FLOPs: 1 per element.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { relu } from "@convkit/convkit/layers";
 * const [y] = relu().apply({}, tensor([[-1, 2]])); // [[0, 2]]
 * ```
 */
export function relu(): Layer<Empty, Empty> {
  return elementwise("relu", 1, (x) => reluOp.vjp(x));
}

/**
 * The logistic function `1 / (1 + e^-x)` elementwise. FLOPs: 1 per element.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { sigmoid } from "@convkit/convkit/layers";
 * const [y] = sigmoid().apply({}, tensor([[0]])); // [[0.5]]
 * ```
 */
export function sigmoid(): Layer<Empty, Empty> {
  return elementwise("sigmoid", 1, (x) => sigmoidOp.vjp(x));
}

/**
 * The hyperbolic tangent elementwise. FLOPs: 1 per element.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { tanh } from "@convkit/convkit/layers";
 * const [y] = tanh().apply({}, tensor([[0]])); // [[0]]
 * ```
 */
export function tanh(): Layer<Empty, Empty> {
  return elementwise("tanh", 1, (x) => tanhOp.vjp(x));
}

/** Options of {@linkcode softmax} and {@linkcode logSoftmax}. */
export interface SoftmaxLayerOptions {
  /** The axis the probabilities sum to 1 along (negative counts from the end). @default {-1} */
  readonly axis?: number;
}

function softmaxLike(
  op: string,
  fn: typeof softmaxOp,
  options: SoftmaxLayerOptions,
): Layer<Empty, Empty> {
  const axis = options.axis ?? -1;
  return elementwise(op, 3, (x) => fn.vjp(x, { axis }), (s) => {
    if (s.length < 2) {
      throw new TypeError(
        `${op}: inputShape must have rank >= 2 ([n, ..., classes]), but got [${s.join(", ")}]`,
      );
    }
    normalizeAxis(op, "options.axis", axis, s.length);
  });
}

/**
 * Softmax along `axis` (the last by default), computed stably. FLOPs: 3 per element (the
 * exponential, the sum and the division).
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { softmax } from "@convkit/convkit/layers";
 * const [p] = softmax().apply({}, tensor([[0, 0]])); // [[0.5, 0.5]]
 * ```
 */
export function softmax(options: SoftmaxLayerOptions = {}): Layer<Empty, Empty> {
  return softmaxLike("softmax", softmaxOp, options);
}

/**
 * Log-softmax along `axis` (the last by default), stable for large logits. FLOPs: 3 per element.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * import { logSoftmax } from "@convkit/convkit/layers";
 * const [logp] = logSoftmax().apply({}, tensor([[1000, 1000]])); // [[-0.693..., -0.693...]]
 * ```
 */
export function logSoftmax(options: SoftmaxLayerOptions = {}): Layer<Empty, Empty> {
  return softmaxLike("logSoftmax", logSoftmaxOp, options);
}
