/**
 * The pooling layers: max and average pooling over windows, and the global pools.
 * @module
 */

import {
  avgPool2d as avgPool2dOp,
  globalAvgPool2d as globalAvgPool2dOp,
  globalMaxPool1d as globalMaxPool1dOp,
  globalMaxPool2d as globalMaxPool2dOp,
  maxPool2d as maxPool2dOp,
  type PaddingSpec2d,
  type Tensor,
} from "../core/mod.ts";
import type { Empty, Layer, Receptive } from "./layer.ts";
import { stateless } from "./layer.ts";
import { checkWindowOptions, poolWindow } from "./_geometry.ts";
import { row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode maxPool2d}. */
export interface MaxPool2dLayerOptions {
  /** The step between windows, one number or `[h, w]`. @default {the window (no overlap)} */
  readonly stride?: number | readonly [number, number];
  /**
   * `"valid"`, `"same"` (TensorFlow's rule), a number, or `[[top, bottom], [left, right]]`.
   * Padded cells never win the max. @default {"valid"}
   */
  readonly padding?: PaddingSpec2d;
}

/** Options of {@linkcode avgPool2d}. */
export interface AvgPool2dLayerOptions extends MaxPool2dLayerOptions {
  /**
   * Whether padded cells count in the divisor (`true`, PyTorch's default) or only real cells do
   * (`false`, TensorFlow's behaviour). @default {false}
   */
  readonly countPadded?: boolean;
}

type PoolOp = (x: Tensor) => [Tensor, (dy: Tensor) => [Tensor]];

function windowPool(
  op: string,
  window: number | readonly [number, number],
  options: MaxPool2dLayerOptions,
  run: (x: Tensor, win: [number, number], stride: [number, number]) => ReturnType<PoolOp>,
): Layer<Empty, Empty> {
  const { kernel, stride } = checkWindowOptions(op, window, options, window);
  const padding = options.padding ?? "valid";
  return stateless<Empty>(op, (_key, inShape) => {
    const [n, h, w, c] = singleShape(op, inShape, 4, "[n, h, w, c]");
    const g = poolWindow(op, [h, w], kernel, stride, padding);
    const outShape = [n, g.out[0], g.out[1], c];
    const flops = g.out[0] * g.out[1] * c * kernel[0] * kernel[1];
    return { params: {}, outShape, info: [row(op, outShape, 0, flops, g.receptive)] };
  }, (_params, input) => {
    const [y, vjp] = run(singleInput(op, input), kernel, stride);
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))[0]]];
  });
}

/**
 * Max pooling: `x` `[n, h, w, c]` to `[n, oh, ow, c]`, the maximum of each `window` (one number
 * or `[h, w]`). The gradient goes to the first maximal cell of each window (row-major order).
 * FLOPs per example: the window area per output element (the comparisons).
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { maxPool2d } from "@convkit/convkit/layers";
 * maxPool2d(2).init(key(0), [-1, 24, 24, 20]).outShape; // [-1, 12, 12, 20]
 * ```
 */
export function maxPool2d(
  window: number | readonly [number, number],
  options: MaxPool2dLayerOptions = {},
): Layer<Empty, Empty> {
  const padding = options.padding;
  return windowPool(
    "maxPool2d",
    window,
    options,
    (x, win, stride) => maxPool2dOp.vjp(x, win, { stride, padding }),
  );
}

/**
 * Average pooling: `x` `[n, h, w, c]` to `[n, oh, ow, c]`, the mean of each window. FLOPs per
 * example: the window area per output element (the additions and the division).
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { avgPool2d } from "@convkit/convkit/layers";
 * avgPool2d(3, { stride: 1, padding: "same" }).init(key(0), [-1, 8, 8, 4]).outShape;
 * // [-1, 8, 8, 4]
 * ```
 */
export function avgPool2d(
  window: number | readonly [number, number],
  options: AvgPool2dLayerOptions = {},
): Layer<Empty, Empty> {
  const { padding, countPadded } = options;
  if (countPadded !== undefined && typeof countPadded !== "boolean") {
    throw new TypeError(
      `avgPool2d: options.countPadded must be a boolean, but got ${typeof countPadded}`,
    );
  }
  return windowPool(
    "avgPool2d",
    window,
    options,
    (x, win, stride) => avgPool2dOp.vjp(x, win, { stride, padding, countPadded }),
  );
}

function globalPool(
  op: string,
  rank: 3 | 4,
  run: PoolOp,
): Layer<Empty, Empty> {
  const layout = rank === 4 ? "[n, h, w, c]" : "[n, w, c]";
  return stateless<Empty>(op, (_key, inShape) => {
    const s = singleShape(op, inShape, rank, layout);
    const [h, w] = rank === 4 ? [s[1], s[2]] : [1, s[1]];
    if (h * w === 0) {
      throw new RangeError(`${op}: inputShape must have at least one position, but got [${s}]`);
    }
    const c = s[rank - 1];
    const outShape = [s[0], c];
    // The window is the whole input: every output sees every position.
    const receptive: Receptive = { kernel: [h, w], stride: [h, w], padding: [0, 0] };
    return { params: {}, outShape, info: [row(op, outShape, 0, h * w * c, receptive)] };
  }, (_params, input) => {
    const [y, vjp] = run(singleInput(op, input));
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))[0]]];
  });
}

/**
 * The maximum of each channel over all positions: `[n, h, w, c]` to `[n, c]`. FLOPs per example:
 * one comparison per input element.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { globalMaxPool2d } from "@convkit/convkit/layers";
 * globalMaxPool2d().init(key(0), [-1, 7, 7, 64]).outShape; // [-1, 64]
 * ```
 */
export function globalMaxPool2d(): Layer<Empty, Empty> {
  return globalPool("globalMaxPool2d", 4, (x) => globalMaxPool2dOp.vjp(x));
}

/**
 * The mean of each channel over all positions: `[n, h, w, c]` to `[n, c]`. FLOPs per example:
 * one addition per input element.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { globalAvgPool2d } from "@convkit/convkit/layers";
 * globalAvgPool2d().init(key(0), [-1, 7, 7, 64]).outShape; // [-1, 64]
 * ```
 */
export function globalAvgPool2d(): Layer<Empty, Empty> {
  return globalPool("globalAvgPool2d", 4, (x) => globalAvgPool2dOp.vjp(x));
}

/**
 * The maximum of each channel over the length axis: `[n, w, c]` to `[n, c]` (max-over-time
 * pooling of text CNNs). FLOPs per example: one comparison per input element.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { globalMaxPool1d } from "@convkit/convkit/layers";
 * globalMaxPool1d().init(key(0), [-1, 50, 100]).outShape; // [-1, 100]
 * ```
 */
export function globalMaxPool1d(): Layer<Empty, Empty> {
  return globalPool("globalMaxPool1d", 3, (x) => globalMaxPool1dOp.vjp(x));
}
