/**
 * Convolution and pooling geometry: resolving `"valid"`, `"same"` and explicit padding to numbers,
 * and the output size of a sliding window. `"same"` follows TensorFlow's rule for every stride and
 * dilation (the smaller half of the padding goes before).
 * @module
 */

import { checkInt, show, typeError } from "./errors.ts";
import type { Padding2d } from "./primitives.ts";

/**
 * How to pad the two spatial axes of a 2D convolution or pooling: `"valid"` (no padding), `"same"`
 * (TensorFlow's rule: output size `ceil(n / stride)`), a number (that many cells on every side),
 * or explicit `[[top, bottom], [left, right]]`.
 */
export type PaddingSpec2d =
  | "valid"
  | "same"
  | number
  | readonly [readonly [number, number], readonly [number, number]];

/** How to pad one spatial axis: `"valid"`, `"same"`, a number for both sides, or `[before, after]`. */
export type PaddingSpec1d = "valid" | "same" | number | readonly [number, number];

const ACCEPTED_2D =
  'must be "valid", "same", a non-negative integer or [[top, bottom], [left, right]]';
const ACCEPTED_1D = 'must be "valid", "same", a non-negative integer or [before, after]';

/**
 * TensorFlow's `"same"` padding of one axis as `[before, after]`: the output has `ceil(n / s)`
 * cells, the total padding is `max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)` and the
 * smaller half goes before. `inSize` is `n`, `filterSize` `k`, `stride` `s`, `dilation` `d`.
 *
 * @example
 * ```ts
 * import { samePadding } from "@convkit/convkit/core";
 * samePadding(6, 3, 2, 1); // [0, 1]
 * ```
 */
export function samePadding(
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
): [number, number] {
  const op = "samePadding";
  checkInt(op, "inSize", inSize, 0);
  checkInt(op, "filterSize", filterSize, 1);
  checkInt(op, "stride", stride, 1);
  checkInt(op, "dilation", dilation, 1);
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (filterSize - 1) * dilation + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function checkSide(op: string, arg: string, value: unknown, accepted: string): number {
  if (typeof value !== "number") throw typeError(op, arg, accepted, `got ${show(value)}`);
  return checkInt(op, arg, value, 0);
}

function isPair(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && value.length === 2;
}

/**
 * Resolves a 2D padding spec to explicit `[[top, bottom], [left, right]]` for an input whose
 * spatial size is `inSize` (`[h, w]`), a filter (or pooling window) of `filterSize` (`[kh, kw]`),
 * `stride` and `dilation` (pass `[1, 1]` for pooling). Throws a `TypeError` for an unknown form
 * and a `RangeError` for negative or fractional sizes.
 *
 * @example
 * ```ts
 * import { resolvePadding2d } from "@convkit/convkit/core";
 * resolvePadding2d("conv2d", "same", [6, 5], [3, 3], [2, 2], [1, 1]); // [[0, 1], [1, 1]]
 * ```
 */
export function resolvePadding2d(
  op: string,
  padding: PaddingSpec2d,
  inSize: readonly [number, number],
  filterSize: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
): Padding2d {
  if (padding === "valid") return [[0, 0], [0, 0]];
  if (padding === "same") {
    for (let i = 0; i < 2; i++) {
      checkInt(op, `inSize[${i}]`, inSize[i], 0);
      checkInt(op, `filterSize[${i}]`, filterSize[i], 1);
      checkInt(op, `stride[${i}]`, stride[i], 1);
      checkInt(op, `dilation[${i}]`, dilation[i], 1);
    }
    return [
      samePadding(inSize[0], filterSize[0], stride[0], dilation[0]),
      samePadding(inSize[1], filterSize[1], stride[1], dilation[1]),
    ];
  }
  if (typeof padding === "number") {
    const n = checkInt(op, "padding", padding, 0);
    return [[n, n], [n, n]];
  }
  if (!isPair(padding) || !isPair(padding[0]) || !isPair(padding[1])) {
    throw typeError(op, "padding", ACCEPTED_2D, `got ${show(padding)}`);
  }
  const side = (i: number, j: number): number =>
    checkSide(op, `padding[${i}][${j}]`, padding[i][j], ACCEPTED_2D);
  return [[side(0, 0), side(0, 1)], [side(1, 0), side(1, 1)]];
}

/**
 * Resolves a 1D padding spec to explicit `[before, after]` for an axis of `inSize` cells, a
 * filter (or window) of `filterSize`, `stride` and `dilation`. Errors as for `resolvePadding2d`.
 *
 * @example
 * ```ts
 * import { resolvePadding1d } from "@convkit/convkit/core";
 * resolvePadding1d("conv1d", "same", 7, 4, 1, 1); // [1, 2]
 * ```
 */
export function resolvePadding1d(
  op: string,
  padding: PaddingSpec1d,
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
): [number, number] {
  if (padding === "valid") return [0, 0];
  if (padding === "same") {
    checkInt(op, "inSize", inSize, 0);
    checkInt(op, "filterSize", filterSize, 1);
    checkInt(op, "stride", stride, 1);
    checkInt(op, "dilation", dilation, 1);
    return samePadding(inSize, filterSize, stride, dilation);
  }
  if (typeof padding === "number") {
    const n = checkInt(op, "padding", padding, 0);
    return [n, n];
  }
  if (!isPair(padding)) throw typeError(op, "padding", ACCEPTED_1D, `got ${show(padding)}`);
  return [
    checkSide(op, "padding[0]", padding[0], ACCEPTED_1D),
    checkSide(op, "padding[1]", padding[1], ACCEPTED_1D),
  ];
}

/**
 * The output size of a convolution along one axis: `floor((n + pb + pa - span) / s) + 1` where
 * `span = (k - 1) * d + 1` is the extent of the dilated filter. Throws a `RangeError` for a stride,
 * dilation or filter size below 1, negative padding, or a filter larger than the padded input.
 *
 * @example
 * ```ts
 * import { convOutputSize } from "@convkit/convkit/core";
 * convOutputSize("conv2d", 7, 3, 2, 1, 1, 1); // 4
 * ```
 */
export function convOutputSize(
  op: string,
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padBefore: number,
  padAfter: number,
): number {
  checkInt(op, "input size", inSize, 0);
  checkInt(op, "filter size", filterSize, 1);
  checkInt(op, "stride", stride, 1);
  checkInt(op, "dilation", dilation, 1);
  checkInt(op, "padding", padBefore, 0);
  checkInt(op, "padding", padAfter, 0);
  const span = (filterSize - 1) * dilation + 1;
  const padded = inSize + padBefore + padAfter;
  if (span > padded) {
    throw new RangeError(
      `${op}: the filter (${filterSize} with dilation ${dilation} spans ${span}) ` +
        `is larger than the padded input (${padded})`,
    );
  }
  return Math.floor((padded - span) / stride) + 1;
}

/**
 * The output size of a pooling window along one axis: `floor((n + pb + pa - window) / s) + 1`.
 * Throws a `RangeError` for a window or stride below 1, negative padding, a window larger than the
 * padded input, or padding so wide that some window would hold only padding (it would have no
 * maximum and no real cells to average).
 *
 * @example
 * ```ts
 * import { poolOutputSize } from "@convkit/convkit/core";
 * poolOutputSize("maxPool2d", 6, 2, 2, 0, 0); // 3
 * ```
 */
export function poolOutputSize(
  op: string,
  inSize: number,
  window: number,
  stride: number,
  padBefore: number,
  padAfter: number,
): number {
  checkInt(op, "input size", inSize, 0);
  checkInt(op, "window", window, 1);
  checkInt(op, "stride", stride, 1);
  checkInt(op, "padding", padBefore, 0);
  checkInt(op, "padding", padAfter, 0);
  const padded = inSize + padBefore + padAfter;
  if (window > padded) {
    throw new RangeError(
      `${op}: the window (${window}) is larger than the padded input (${padded})`,
    );
  }
  const out = Math.floor((padded - window) / stride) + 1;
  // The first window starts at padded index 0, the last at (out - 1) * stride; the real cells
  // are padBefore..padBefore + inSize - 1.
  if (padBefore >= window || (out - 1) * stride >= padBefore + inSize) {
    throw new RangeError(
      `${op}: padding [${padBefore}, ${padAfter}] is so wide that a window of ${window} ` +
        `(stride ${stride}) over ${inSize} cells would hold only padding`,
    );
  }
  return out;
}

/**
 * Expands a per-axis setting (stride, dilation, pooling window) to a pair: `undefined` gives
 * `[fallback, fallback]`, a number `n` gives `[n, n]`, a pair is checked and copied. Every value
 * must be an integer `>= 1` (`RangeError` otherwise; `TypeError` for another form).
 *
 * @example
 * ```ts
 * import { normalizePair } from "@convkit/convkit/core";
 * normalizePair("conv2d", "stride", 2, 1); // [2, 2]
 * ```
 */
export function normalizePair(
  op: string,
  arg: string,
  value: number | readonly [number, number] | undefined,
  fallback: number,
): [number, number] {
  if (value === undefined) {
    const v = checkInt(op, arg, fallback, 1);
    return [v, v];
  }
  if (typeof value === "number") {
    const v = checkInt(op, arg, value, 1);
    return [v, v];
  }
  if (!isPair(value)) {
    throw typeError(op, arg, "must be an integer >= 1 or a pair of them", `got ${show(value)}`);
  }
  return [checkInt(op, `${arg}[0]`, value[0], 1), checkInt(op, `${arg}[1]`, value[1], 1)];
}
