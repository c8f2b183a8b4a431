/**
 * The 2D convolution layer (NHWC input, HWIO filter).
 * @module
 */

import {
  checkInt,
  conv2d as conv2dOp,
  type Key,
  type PaddingSpec2d,
  split,
  type Tensor,
} from "../core/mod.ts";
import { glorotUniform, type Initializer, zerosInit } from "./init.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { checkWindowOptions, convWindow } from "./_geometry.ts";
import { checkChannels, creation, param, row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode conv2d}. */
export interface Conv2dLayerOptions {
  /** The step between windows, one number or `[h, w]`. @default {1} */
  readonly stride?: number | readonly [number, number];
  /**
   * `"valid"` (none), `"same"` (TensorFlow's rule: output `ceil(n / stride)`), a number for every
   * side, or explicit `[[top, bottom], [left, right]]`. @default {"valid"}
   */
  readonly padding?: PaddingSpec2d;
  /** The spacing of the filter taps, one number or `[h, w]`. @default {1} */
  readonly dilation?: number | readonly [number, number];
  /** Add a bias `b` of shape `[filters]`. @default {true} */
  readonly useBias?: boolean;
  /** The initialiser of the filter `w` `[kh, kw, cIn, filters]`. @default {glorotUniform} */
  readonly kernelInit?: Initializer;
  /** The initialiser of the bias. @default {zerosInit} */
  readonly biasInit?: Initializer;
  /** The number of input channels the layer expects; `init` checks it when given. */
  readonly inChannels?: number;
}

/** The params of {@linkcode conv2d}: the filter `w` `[kh, kw, cIn, cOut]` and the bias `b`. */
export type Conv2dParams = { readonly w: Tensor; readonly b?: Tensor };

/**
 * A 2D convolution layer: `x` `[n, h, w, cIn]` to `[n, oh, ow, filters]`, with
 * `kernelSize` one number or `[kh, kw]`. The output size follows the `conv2d` op (e.g.
 * `floor((h + padding - (kh - 1) * dilation - 1) / stride) + 1`). FLOPs per example:
 * `2 * kh * kw * cIn` per output element plus 1 for the bias.
 *
 * @example
 * ```ts
 * import { key, ones } from "@convkit/convkit";
 * import { conv2d } from "@convkit/convkit/layers";
 * const conv = conv2d(20, 5);
 * const { params, outShape } = conv.init(key(0), [-1, 28, 28, 1]);
 * outShape;       // [-1, 24, 24, 20]
 * params.w.shape; // [5, 5, 1, 20]
 * conv2d(8, 3, { stride: 2, padding: "same" }).init(key(0), [1, 28, 28, 3]).outShape;
 * // [1, 14, 14, 8]
 * ```
 */
export function conv2d(
  filters: number,
  kernelSize: number | readonly [number, number],
  options: Conv2dLayerOptions = {},
): Layer<Conv2dParams, Empty> {
  const op = "conv2d";
  checkInt(op, "filters", filters, 1);
  const { kernel, stride, dilation } = checkWindowOptions(op, kernelSize, options);
  const padding = options.padding ?? "valid";
  if (options.inChannels !== undefined) checkInt(op, "options.inChannels", options.inChannels, 1);
  const useBias = options.useBias ?? true;
  const kernelInit = options.kernelInit ?? glorotUniform;
  const biasInit = options.biasInit ?? zerosInit;
  return stateless<Conv2dParams>(op, (key: Key, inShape, initOptions) => {
    const [n, h, w, c] = singleShape(op, inShape, 4, "[n, h, w, c]");
    checkChannels(op, c, options.inChannels);
    const g = convWindow(op, [h, w], kernel, stride, dilation, padding);
    const opts = creation(op, initOptions);
    const [kw, kb] = split(key, 2);
    const wt = kernelInit(kw, [...kernel, c, filters], opts);
    const params: Conv2dParams = useBias ? { w: wt, b: biasInit(kb, [filters], opts) } : { w: wt };
    const outShape = [n, g.out[0], g.out[1], filters];
    const outputs = g.out[0] * g.out[1] * filters;
    const count = kernel[0] * kernel[1] * c * filters + (useBias ? filters : 0);
    const flops = outputs * (2 * kernel[0] * kernel[1] * c + (useBias ? 1 : 0));
    return { params, outShape, info: [row(op, outShape, count, flops, g.receptive)] };
  }, (params, input) => {
    const x = singleInput(op, input);
    const w = param(op, params, "w");
    const b = useBias ? param(op, params, "b") : undefined;
    const [y, vjp] = conv2dOp.vjp(x, w, { stride, dilation, padding, bias: b });
    return [y, (dy) => {
      const [dx, dw, db] = vjp(singleInput(op, dy, "dy"));
      return [useBias ? { w: dw, b: db } : { w: dw }, dx];
    }];
  });
}
