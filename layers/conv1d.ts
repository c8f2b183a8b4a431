/**
 * The 1D convolution layer (`[n, w, c]` input, `[k, cIn, cOut]` filter), for sequences and text.
 * @module
 */

import {
  checkInt,
  conv1d as conv1dOp,
  convOutputSize,
  type Key,
  type PaddingSpec1d,
  resolvePadding1d,
  split,
  type Tensor,
} from "../core/mod.ts";
import { glorotUniform, type Initializer, zerosInit } from "./init.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { checkChannels, creation, param, row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode conv1d}. */
export interface Conv1dLayerOptions {
  /** The step between windows. @default {1} */
  readonly stride?: number;
  /**
   * `"valid"`, `"same"` (TensorFlow's rule), a number for both sides, or `[before, after]`.
   * @default {"valid"}
   */
  readonly padding?: PaddingSpec1d;
  /** The spacing of the filter taps. @default {1} */
  readonly dilation?: number;
  /** Add a bias `b` of shape `[filters]`. @default {true} */
  readonly useBias?: boolean;
  /** The initialiser of the filter `w` `[k, cIn, filters]`. @default {glorotUniform} */
  readonly kernelInit?: Initializer;
  /** The initialiser of the bias. @default {zerosInit} */
  readonly biasInit?: Initializer;
  /** The number of input channels the layer expects; `init` checks it when given. */
  readonly inChannels?: number;
}

/** The params of {@linkcode conv1d}: the filter `w` `[k, cIn, cOut]` and the bias `b`. */
export type Conv1dParams = { readonly w: Tensor; readonly b?: Tensor };

/**
 * A 1D convolution layer: `x` `[n, w, cIn]` to `[n, ow, filters]` with a window of
 * `kernelSize`. FLOPs per example: `2 * k * cIn` per output element plus 1 for the bias. For the
 * summary it is a window of `[1, k]`.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { conv1d } from "@convkit/convkit/layers";
 * conv1d(16, 3).init(key(0), [-1, 20, 8]).outShape;                     // [-1, 18, 16]
 * conv1d(16, 3, { padding: "same" }).init(key(0), [-1, 20, 8]).outShape; // [-1, 20, 16]
 * ```
 */
export function conv1d(
  filters: number,
  kernelSize: number,
  options: Conv1dLayerOptions = {},
): Layer<Conv1dParams, Empty> {
  const op = "conv1d";
  checkInt(op, "filters", filters, 1);
  checkInt(op, "kernelSize", kernelSize, 1);
  const stride = checkInt(op, "options.stride", options.stride ?? 1, 1);
  const dilation = checkInt(op, "options.dilation", options.dilation ?? 1, 1);
  const padding = options.padding ?? "valid";
  resolvePadding1d(op, padding, 1 << 20, kernelSize, stride, dilation);
  if (options.inChannels !== undefined) checkInt(op, "options.inChannels", options.inChannels, 1);
  const useBias = options.useBias ?? true;
  const kernelInit = options.kernelInit ?? glorotUniform;
  const biasInit = options.biasInit ?? zerosInit;
  return stateless<Conv1dParams>(op, (key: Key, inShape, initOptions) => {
    const [n, w, c] = singleShape(op, inShape, 3, "[n, w, c]");
    checkChannels(op, c, options.inChannels);
    const [before, after] = resolvePadding1d(op, padding, w, kernelSize, stride, dilation);
    const ow = convOutputSize(op, w, kernelSize, stride, dilation, before, after);
    const opts = creation(op, initOptions);
    const [kw, kb] = split(key, 2);
    const wt = kernelInit(kw, [kernelSize, c, filters], opts);
    const params: Conv1dParams = useBias ? { w: wt, b: biasInit(kb, [filters], opts) } : { w: wt };
    const outShape = [n, ow, filters];
    const count = kernelSize * c * filters + (useBias ? filters : 0);
    const flops = ow * filters * (2 * kernelSize * c + (useBias ? 1 : 0));
    const receptive = {
      kernel: [1, (kernelSize - 1) * dilation + 1] as const,
      stride: [1, stride] as const,
      padding: [0, before] as const,
    };
    return { params, outShape, info: [row(op, outShape, count, flops, receptive)] };
  }, (params, input) => {
    const x = singleInput(op, input);
    const w = param(op, params, "w");
    const b = useBias ? param(op, params, "b") : undefined;
    const [y, vjp] = conv1dOp.vjp(x, w, { stride, dilation, padding, bias: b });
    return [y, (dy) => {
      const [dx, dw, db] = vjp(singleInput(op, dy, "dy"));
      return [useBias ? { w: dw, b: db } : { w: dw }, dx];
    }];
  });
}
