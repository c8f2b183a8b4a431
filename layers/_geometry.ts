/**
 * Shape inference of the sliding-window layers (conv and pool) from shapes alone, with the same
 * rules as the ops in `core/ops` (`core/padding.ts`). Private to `layers/`.
 * @module
 */

import {
  convOutputSize,
  normalizePair,
  type PaddingSpec2d,
  poolOutputSize,
  resolvePadding2d,
} from "../core/mod.ts";
import type { Receptive } from "./layer.ts";

/** Stride, dilation and padding of a 2D window layer, as the options give them. */
export interface WindowOptions {
  /** One number or `[h, w]`. */
  readonly stride?: number | readonly [number, number];
  /** One number or `[h, w]`. */
  readonly dilation?: number | readonly [number, number];
  /** As for the `conv2d` op. */
  readonly padding?: PaddingSpec2d;
}

/** The resolved geometry of a 2D window over an `[h, w]` input. */
export interface Window2d {
  /** `[oh, ow]`. */
  readonly out: [number, number];
  /** The window's local geometry for the summary. */
  readonly receptive: Receptive;
}

/** Checks a window layer's static options once, when the layer is built. */
export function checkWindowOptions(
  op: string,
  kernel: number | readonly [number, number],
  options: WindowOptions,
  defaultStride: number | readonly [number, number] = 1,
): { kernel: [number, number]; stride: [number, number]; dilation: [number, number] } {
  const k = normalizePair(op, "kernelSize", kernel, 1);
  const stride = normalizePair(op, "stride", options.stride ?? defaultStride, 1);
  const dilation = normalizePair(op, "dilation", options.dilation, 1);
  // Resolve the padding on a large input to reject malformed specs early.
  resolvePadding2d(op, options.padding ?? "valid", [1 << 20, 1 << 20], k, stride, dilation);
  return { kernel: k, stride, dilation };
}

/** The output size and receptive geometry of a convolution over `[h, w]`. */
export function convWindow(
  op: string,
  inSize: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  padding: PaddingSpec2d,
): Window2d {
  const p = resolvePadding2d(op, padding, inSize, kernel, stride, dilation);
  const out: [number, number] = [0, 1].map((a) =>
    convOutputSize(op, inSize[a], kernel[a], stride[a], dilation[a], p[a][0], p[a][1])
  ) as [number, number];
  const span = (a: number): number => (kernel[a] - 1) * dilation[a] + 1;
  return {
    out,
    receptive: { kernel: [span(0), span(1)], stride: [...stride], padding: [p[0][0], p[1][0]] },
  };
}

/** The output size and receptive geometry of a pooling window over `[h, w]`. */
export function poolWindow(
  op: string,
  inSize: readonly [number, number],
  window: readonly [number, number],
  stride: readonly [number, number],
  padding: PaddingSpec2d,
): Window2d {
  const p = resolvePadding2d(op, padding, inSize, window, stride, [1, 1]);
  const out: [number, number] = [0, 1].map((a) =>
    poolOutputSize(op, inSize[a], window[a], stride[a], p[a][0], p[a][1])
  ) as [number, number];
  return {
    out,
    receptive: { kernel: [...window], stride: [...stride], padding: [p[0][0], p[1][0]] },
  };
}
