/**
 * Convolutions: conv2d (NHWC input, HWIO filter), conv1d as its special case, and im2col, the
 * patch matrix that lowers a convolution to a matrix product.
 * @module
 */

import { defineOp, type DiffOp } from "../op.ts";
import {
  convOutputSize,
  normalizePair,
  type PaddingSpec1d,
  type PaddingSpec2d,
  resolvePadding2d,
} from "../padding.ts";
import type { Conv2dGeometry, Shape } from "../primitives.ts";
import { runKernel } from "../_run.ts";
import type { Tensor } from "../tensor.ts";
import { checkFloat, checkRank, checkSameDType, checkTensor, rawReshape, rawSum } from "./_util.ts";
import { rawBinary } from "./arithmetic.ts";
import { resolvePadding1d } from "../padding.ts";
import { checkInt, show } from "../errors.ts";

/** Options of {@linkcode conv2d}. */
export interface Conv2dOptions {
  /** The step between windows, one number or `[h, w]`. @default {1} */
  readonly stride?: number | readonly [number, number];
  /** The spacing of the filter taps, one number or `[h, w]`. @default {1} */
  readonly dilation?: number | readonly [number, number];
  /**
   * `"valid"` (none), `"same"` (TensorFlow's rule: output `ceil(n / stride)`, the smaller half of
   * the padding before), a number for every side, or explicit `[[top, bottom], [left, right]]`.
   * @default {"valid"}
   */
  readonly padding?: PaddingSpec2d;
  /** A bias of shape `[cOut]` added to every output position. */
  readonly bias?: Tensor;
}

/** The geometry of one 2D convolution, resolved. */
export interface ResolvedConv2d extends Conv2dGeometry {
  /** The output shape `[n, oh, ow, cOut]`. */
  readonly outShape: readonly number[];
}

/** Validates a conv2d's arguments and resolves its geometry and output shape. */
export function resolveConv2d(
  op: string,
  x: Tensor,
  w: Tensor,
  options: Conv2dOptions,
): ResolvedConv2d {
  checkTensor(op, "x", x);
  checkTensor(op, "w", w);
  checkRank(op, "x", x, 4, "[n, h, w, cIn]");
  checkRank(op, "w", w, 4, "[kh, kw, cIn, cOut]");
  checkFloat(op, "x", x);
  checkSameDType(op, ["x", "w"], x, w);
  return convGeometry(op, x.shape, w.shape, options, "input");
}

/** Resolves stride, dilation, padding and the output shape from the input and filter shapes. */
function convGeometry(
  op: string,
  xShape: Shape,
  wShape: Shape,
  options: Conv2dTransposeOptions,
  what: string,
): ResolvedConv2d {
  const [n, h, wd, c] = xShape;
  const [kh, kw, ci, co] = wShape;
  if (c !== ci) {
    throw new TypeError(`${op}: ${what} has ${c} channels but the filter expects ${ci}`);
  }
  const stride = normalizePair(op, "stride", options.stride, 1);
  const dilation = normalizePair(op, "dilation", options.dilation, 1);
  const padding = resolvePadding2d(
    op,
    options.padding ?? "valid",
    [h, wd],
    [kh, kw],
    stride,
    dilation,
  );
  const oh = convOutputSize(op, h, kh, stride[0], dilation[0], padding[0][0], padding[0][1]);
  const ow = convOutputSize(op, wd, kw, stride[1], dilation[1], padding[1][0], padding[1][1]);
  return { stride, dilation, padding, outShape: [n, oh, ow, co] };
}

function checkBias(op: string, bias: Tensor | undefined, w: Tensor): void {
  if (bias === undefined) return;
  checkTensor(op, "bias", bias);
  checkSameDType(op, ["w", "bias"], w, bias);
  const co = w.shape[w.rank - 1];
  if (bias.rank !== 1 || bias.shape[0] !== co) {
    throw new TypeError(
      `${op}: bias must have shape [${co}] (one per output channel), but has shape ${
        show(bias.shape)
      }`,
    );
  }
}

function geometry(g: ResolvedConv2d): Conv2dGeometry {
  return { stride: g.stride, dilation: g.dilation, padding: g.padding };
}

/**
 * 2D convolution (cross-correlation, as in every deep-learning library) of `x` `[n, h, w, cIn]`
 * with filters `w` `[kh, kw, cIn, cOut]`, giving `[n, oh, ow, cOut]`, plus an optional bias.
 * The VJP returns `[dx, dw, dbias]` (`dbias` undefined without a bias): `dx` is the transposed
 * convolution of `dy`, `dw` correlates `x` with `dy`, `dbias` sums `dy` over `n, oh, ow`.
 *
 * @example
 * ```ts
 * import { conv2d, ones, reshape, arange } from "@convkit/convkit";
 * const x = reshape(arange(1, 10), [1, 3, 3, 1]);       // 1..9
 * const y = conv2d(x, ones([2, 2, 1, 1]));              // sums of 2x2 windows
 * await y.data();                                       // Float32Array [12, 16, 24, 28]
 * conv2d(x, ones([3, 3, 1, 4]), { padding: "same", stride: 2 }).shape; // [1, 2, 2, 4]
 * ```
 */
export const conv2d: DiffOp<
  [x: Tensor, w: Tensor, options?: Conv2dOptions],
  [Tensor, Tensor, Tensor | undefined]
> = defineOp("conv2d", (x: Tensor, w: Tensor, options: Conv2dOptions = {}) => {
  const op = "conv2d";
  const g = resolveConv2d(op, x, w, options);
  checkBias(op, options.bias, w);
  const attrs = geometry(g);
  const conv = runKernel(op, "conv2d", [x, w], attrs, g.outShape, x.dtype);
  const bias = options.bias;
  const y = bias ? rawBinary("add", conv, bias) : conv;
  return [y, (dy: Tensor): [Tensor, Tensor, Tensor | undefined] => [
    runKernel(op, "conv2dBackpropInput", [dy, w], attrs, x.shape, x.dtype),
    runKernel(op, "conv2dBackpropFilter", [x, dy], attrs, w.shape, w.dtype),
    bias ? rawSum(dy, [0, 1, 2]) : undefined,
  ]];
});

/** Options of {@linkcode conv2dTranspose}. */
export interface Conv2dTransposeOptions {
  /** The stride of the convolution this transposes. @default {1} */
  readonly stride?: number | readonly [number, number];
  /** The dilation of the convolution this transposes. @default {1} */
  readonly dilation?: number | readonly [number, number];
  /** The padding of the convolution this transposes. @default {"valid"} */
  readonly padding?: PaddingSpec2d;
}

/**
 * The transposed convolution ("deconvolution"): the adjoint of `conv2d` with respect to its input,
 * which is exactly conv2d's input gradient. `dy` is `[n, oh, ow, cOut]`, `w` is
 * `[kh, kw, cIn, cOut]`, and `inputShape` is the `[n, h, w, cIn]` of the convolution being
 * transposed (several input sizes give the same output size when the stride is > 1).
 * The VJP returns `[d dy, dw]`: conv2d of the cotangent with `w`, and the filter gradient.
 *
 * @example
 * ```ts
 * import { conv2dTranspose, ones } from "@convkit/convkit";
 * const up = conv2dTranspose(ones([1, 2, 2, 1]), ones([2, 2, 1, 1]), [1, 4, 4, 1], { stride: 2 });
 * up.shape; // [1, 4, 4, 1]
 * ```
 */
export const conv2dTranspose: DiffOp<
  [dy: Tensor, w: Tensor, inputShape: Shape, options?: Conv2dTransposeOptions],
  [Tensor, Tensor]
> = defineOp(
  "conv2dTranspose",
  (dy: Tensor, w: Tensor, inputShape: Shape, options: Conv2dTransposeOptions = {}) => {
    const op = "conv2dTranspose";
    checkTensor(op, "dy", dy);
    checkTensor(op, "w", w);
    checkRank(op, "dy", dy, 4, "[n, oh, ow, cOut]");
    if (!Array.isArray(inputShape) || inputShape.length !== 4) {
      throw new TypeError(
        `${op}: inputShape must be [n, h, w, cIn], but got ${show(inputShape)}`,
      );
    }
    const g = resolveConv2dShapes(op, inputShape, w, dy, options);
    const attrs = geometry(g);
    const y = runKernel(op, "conv2dBackpropInput", [dy, w], attrs, inputShape, dy.dtype);
    return [y, (dx: Tensor): [Tensor, Tensor] => [
      runKernel(op, "conv2d", [dx, w], attrs, dy.shape, dy.dtype),
      runKernel(op, "conv2dBackpropFilter", [dx, dy], attrs, w.shape, w.dtype),
    ]];
  },
);

function resolveConv2dShapes(
  op: string,
  inputShape: Shape,
  w: Tensor,
  dy: Tensor,
  options: Conv2dTransposeOptions,
): ResolvedConv2d {
  checkRank(op, "w", w, 4, "[kh, kw, cIn, cOut]");
  checkFloat(op, "dy", dy);
  checkSameDType(op, ["dy", "w"], dy, w);
  for (const v of inputShape) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `${op}: inputShape must hold positive integers, but got ${show(inputShape)}`,
      );
    }
  }
  const g = convGeometry(op, inputShape, w.shape, options, "inputShape");
  const outShape = g.outShape;
  if (dy.shape.some((d, i) => d !== outShape[i])) {
    throw new TypeError(
      `${op}: dy must have shape ${show(outShape)} (the conv output for inputShape ${
        show(inputShape)
      }), but has shape ${show(dy.shape)}`,
    );
  }
  return g;
}

/** Options of {@linkcode conv1d}. */
export interface Conv1dOptions {
  /** The step between windows. @default {1} */
  readonly stride?: number;
  /** The spacing of the filter taps. @default {1} */
  readonly dilation?: number;
  /** `"valid"`, `"same"` (TensorFlow's rule), a number, or `[left, right]`. @default {"valid"} */
  readonly padding?: PaddingSpec1d;
  /** A bias of shape `[cOut]`. */
  readonly bias?: Tensor;
}

/**
 * 1D convolution of `x` `[n, w, cIn]` with filters `w` `[k, cIn, cOut]`, giving
 * `[n, ow, cOut]`: conv2d with a height of 1. The VJP returns `[dx, dw, dbias]`.
 *
 * @example
 * ```ts
 * import { conv1d, tensor } from "@convkit/convkit";
 * const x = tensor([1, 2, 3, 4], { shape: [1, 4, 1] });
 * const w = tensor([1, 0, -1], { shape: [3, 1, 1] });
 * await conv1d(x, w).data();                     // Float32Array [-2, -2]
 * await conv1d(x, w, { padding: "same" }).data(); // Float32Array [-2, -2, -2, 3]
 * ```
 */
export const conv1d: DiffOp<
  [x: Tensor, w: Tensor, options?: Conv1dOptions],
  [Tensor, Tensor, Tensor | undefined]
> = defineOp("conv1d", (x: Tensor, w: Tensor, options: Conv1dOptions = {}) => {
  const op = "conv1d";
  checkTensor(op, "x", x);
  checkTensor(op, "w", w);
  checkRank(op, "x", x, 3, "[n, w, cIn]");
  checkRank(op, "w", w, 3, "[k, cIn, cOut]");
  checkFloat(op, "x", x);
  checkSameDType(op, ["x", "w"], x, w);
  if (x.shape[2] !== w.shape[1]) {
    throw new TypeError(
      `${op}: input has ${x.shape[2]} channels but the filter expects ${w.shape[1]}`,
    );
  }
  const stride = checkInt(op, "stride", options.stride ?? 1, 1);
  const dilation = checkInt(op, "dilation", options.dilation ?? 1, 1);
  const lr = resolvePadding1d(
    op,
    options.padding ?? "valid",
    x.shape[1],
    w.shape[0],
    stride,
    dilation,
  );
  // Validate here too, so errors name conv1d rather than the conv2d it delegates to.
  convOutputSize(op, x.shape[1], w.shape[0], stride, dilation, lr[0], lr[1]);
  checkBias(op, options.bias, w);
  const x4 = rawReshape(x, [x.shape[0], 1, x.shape[1], x.shape[2]]);
  const w4 = rawReshape(w, [1, ...w.shape]);
  const [y4, back] = conv2d.vjp(x4, w4, {
    stride: [1, stride],
    dilation: [1, dilation],
    padding: [[0, 0], lr],
    bias: options.bias,
  });
  const y = rawReshape(y4, [y4.shape[0], y4.shape[2], y4.shape[3]]);
  return [y, (dy: Tensor): [Tensor, Tensor, Tensor | undefined] => {
    const [dx, dw, db] = back(rawReshape(dy, y4.shape));
    return [rawReshape(dx, x.shape), rawReshape(dw, w.shape), db];
  }];
});

/** Options of {@linkcode im2col}. */
export interface Im2colOptions {
  /** The step between patches. @default {1} */
  readonly stride?: number | readonly [number, number];
  /** The spacing of the taps within a patch. @default {1} */
  readonly dilation?: number | readonly [number, number];
  /** As for {@linkcode conv2d}. @default {"valid"} */
  readonly padding?: PaddingSpec2d;
}

/**
 * The im2col patch matrix of `x` `[n, h, w, c]` for a `[kh, kw]` filter: shape
 * `[n * oh * ow, kh * kw * c]`, one row per output position, one column per (tap, channel), zeros
 * for padded cells. `conv2d(x, w)` equals `im2col(x) @ reshape(w, [kh * kw * c, cOut])`. The VJP
 * (col2im) adds each entry back to the cell it came from.
 *
 * @example
 * ```ts
 * import { im2col, reshape, arange } from "@convkit/convkit";
 * const x = reshape(arange(1, 10), [1, 3, 3, 1]);
 * await im2col(x, [2, 2]).array(); // [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
 * ```
 */
export const im2col: DiffOp<
  [x: Tensor, filterSize: number | readonly [number, number], options?: Im2colOptions],
  [Tensor]
> = defineOp(
  "im2col",
  (x: Tensor, filterSize: number | readonly [number, number], options: Im2colOptions = {}) => {
    const op = "im2col";
    checkTensor(op, "x", x);
    checkRank(op, "x", x, 4, "[n, h, w, c]");
    const [kh, kw] = normalizePair(op, "filterSize", filterSize, 1);
    const [n, h, wd, c] = x.shape;
    const stride = normalizePair(op, "stride", options.stride, 1);
    const dilation = normalizePair(op, "dilation", options.dilation, 1);
    const padding = resolvePadding2d(
      op,
      options.padding ?? "valid",
      [h, wd],
      [kh, kw],
      stride,
      dilation,
    );
    const oh = convOutputSize(op, h, kh, stride[0], dilation[0], padding[0][0], padding[0][1]);
    const ow = convOutputSize(op, wd, kw, stride[1], dilation[1], padding[1][0], padding[1][1]);
    const attrs = { stride, dilation, padding, filterSize: [kh, kw] as [number, number] };
    const y = runKernel(op, "im2col", [x], attrs, [n * oh * ow, kh * kw * c], x.dtype);
    return [y, (dy: Tensor): [Tensor] => [
      runKernel(op, "col2im", [dy], attrs, x.shape, x.dtype),
    ]];
  },
);
