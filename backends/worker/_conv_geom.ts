/**
 * Convolution geometry for the planners: every size of an image's patch layout resolved to a
 * number, as plain data the tiles receive.
 * @module
 */

import type { Conv2dGeometry, Shape } from "../../core/primitives.ts";

/** An image's patch layout under a filter. */
export interface ConvGeom {
  /** Batch, image height, width and channels. */
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  /** Filter height and width. */
  readonly kh: number;
  readonly kw: number;
  /** Output height and width. */
  readonly oh: number;
  readonly ow: number;
  /** Strides and dilations. */
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  /** Padding above and on the left. */
  readonly top: number;
  readonly left: number;
}

/** The number of window positions along one axis. */
export function windowCount(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  pads: readonly [number, number],
): number {
  const span = size + pads[0] + pads[1] - dilation * (k - 1) - 1;
  return span < 0 ? 0 : Math.floor(span / stride) + 1;
}

/** The patch layout of an NHWC `image` under a `kh x kw` filter (output size given or derived). */
export function convGeom(
  image: Shape,
  kh: number,
  kw: number,
  g: Conv2dGeometry,
  outHW?: readonly [number, number],
): ConvGeom {
  const [n, h, w, c] = image;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  return {
    n,
    h,
    w,
    c,
    kh,
    kw,
    oh: outHW ? outHW[0] : windowCount(h, kh, sh, dh, g.padding[0]),
    ow: outHW ? outHW[1] : windowCount(w, kw, sw, dw, g.padding[1]),
    sh,
    sw,
    dh,
    dw,
    top: g.padding[0][0],
    left: g.padding[1][0],
  };
}
