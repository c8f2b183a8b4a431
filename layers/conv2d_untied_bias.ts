/**
 * A 2D convolution with an untied bias: one bias per output position and channel (the last
 * layer of the AlphaGo policy network).
 * @module
 */

import {
  add,
  checkInt,
  conv2d as conv2dOp,
  type Key,
  show,
  split,
  type Tensor,
} from "../core/mod.ts";
import { glorotUniform, zerosInit } from "./init.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import type { Conv2dLayerOptions } from "./conv2d.ts";
import { checkWindowOptions, convWindow } from "./_geometry.ts";
import { checkChannels, creation, param, row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode conv2dUntiedBias}: those of `conv2d` except `useBias`. */
export type Conv2dUntiedBiasOptions = Omit<Conv2dLayerOptions, "useBias">;

/**
 * The params of {@linkcode conv2dUntiedBias}: the filter `w` `[kh, kw, cIn, cOut]` and the bias
 * `b` `[oh, ow, cOut]`, one value per output position and channel.
 */
export type Conv2dUntiedBiasParams = { readonly w: Tensor; readonly b: Tensor };

/**
 * A 2D convolution whose bias is not shared across positions: `x` `[n, h, w, cIn]` to
 * `conv2d(x, w) + b` of shape `[n, oh, ow, filters]`, with `b` `[oh, ow, filters]`. The input's
 * height and width are therefore fixed by `init`. Options and FLOPs as for `conv2d` (bias
 * included).
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { conv2dUntiedBias } from "@convkit/convkit/layers";
 * // AlphaGo's policy head: a 1x1 conv to one plane with a bias per board point
 * const head = conv2dUntiedBias(1, 1);
 * const { params, outShape } = head.init(key(0), [-1, 19, 19, 192]);
 * outShape;       // [-1, 19, 19, 1]
 * params.b.shape; // [19, 19, 1]
 * ```
 */
export function conv2dUntiedBias(
  filters: number,
  kernelSize: number | readonly [number, number],
  options: Conv2dUntiedBiasOptions = {},
): Layer<Conv2dUntiedBiasParams, Empty> {
  const op = "conv2dUntiedBias";
  checkInt(op, "filters", filters, 1);
  const { kernel, stride, dilation } = checkWindowOptions(op, kernelSize, options);
  const padding = options.padding ?? "valid";
  if (options.inChannels !== undefined) checkInt(op, "options.inChannels", options.inChannels, 1);
  const kernelInit = options.kernelInit ?? glorotUniform;
  const biasInit = options.biasInit ?? zerosInit;
  return stateless<Conv2dUntiedBiasParams>(op, (key: Key, inShape, initOptions) => {
    const [n, h, w, c] = singleShape(op, inShape, 4, "[n, h, w, c]");
    checkChannels(op, c, options.inChannels);
    const g = convWindow(op, [h, w], kernel, stride, dilation, padding);
    const opts = creation(op, initOptions);
    const [kw, kb] = split(key, 2);
    const params = {
      w: kernelInit(kw, [...kernel, c, filters], opts),
      b: biasInit(kb, [g.out[0], g.out[1], filters], opts),
    };
    const outShape = [n, g.out[0], g.out[1], filters];
    const outputs = g.out[0] * g.out[1] * filters;
    const count = kernel[0] * kernel[1] * c * filters + outputs;
    const flops = outputs * (2 * kernel[0] * kernel[1] * c + 1);
    return { params, outShape, info: [row(op, outShape, count, flops, g.receptive)] };
  }, (params, input) => {
    const x = singleInput(op, input);
    const w = param(op, params, "w");
    const b = param(op, params, "b");
    const [conv, convVjp] = conv2dOp.vjp(x, w, { stride, dilation, padding });
    const per = conv.shape.slice(1);
    if (b.rank !== 3 || b.shape.some((d, i) => d !== per[i])) {
      throw new TypeError(
        `${op}: params.b must have the output's per-example shape ${show(per)}, but has shape ${
          show(b.shape)
        } (the untied bias fixes the input size given to init)`,
      );
    }
    const [y, addVjp] = add.vjp(conv, b);
    return [y, (dy) => {
      const [dconv, db] = addVjp(singleInput(op, dy, "dy"));
      const [dx, dw] = convVjp(dconv);
      return [{ w: dw, b: db }, dx];
    }];
  });
}
