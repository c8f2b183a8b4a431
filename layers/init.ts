/**
 * Initialisers: functions of a key and a shape that create a param tensor. The variance-scaling
 * ones (Glorot, He) read the fans from the shape: for a conv filter `[kh, kw, cIn, cOut]` (HWIO)
 * `fanIn = kh * kw * cIn` and `fanOut = kh * kw * cOut`; for a dense kernel `[in, out]`
 * `fanIn = in` and `fanOut = out`. The normal variants follow Keras: a normal truncated at two
 * standard deviations, its scale divided by 0.87962566103423978 so the result still has the
 * intended standard deviation.
 *
 * The layers' default for conv and dense kernels is {@linkcode glorotUniform} (as Keras); biases
 * default to {@linkcode zerosInit}.
 * @module
 */

import {
  type CreateOptions,
  full,
  type Key,
  rangeError,
  type Shape,
  show,
  type Tensor,
  truncatedNormal,
  typeError,
  uniform,
} from "../core/mod.ts";

/**
 * Creates a tensor of `shape` from `key` (float32 by default; `options` set the dtype and
 * backend).
 */
export type Initializer = (key: Key, shape: Shape, options?: CreateOptions) => Tensor;

/** The standard deviation of a standard normal truncated to `[-2, 2]`. */
const TRUNCATED_STD = 0.87962566103423978;

/**
 * The fans of a weight of `shape`: `[fanIn, fanOut]`. The last axis is the output, the one
 * before it the input, and all earlier axes (the receptive field) multiply both. A vector has
 * `fanIn = fanOut = its length`; a scalar `1`. Each fan is at least 1.
 *
 * @example
 * ```ts
 * import { fans } from "@convkit/convkit/layers";
 * fans([5, 5, 1, 20]); // [25, 500]
 * fans([784, 10]);     // [784, 10]
 * ```
 */
export function fans(shape: Shape): [fanIn: number, fanOut: number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [Math.max(1, shape[0]), Math.max(1, shape[0])];
  let field = 1;
  for (let i = 0; i < shape.length - 2; i++) field *= shape[i];
  const fanIn = field * shape[shape.length - 2];
  const fanOut = field * shape[shape.length - 1];
  return [Math.max(1, fanIn), Math.max(1, fanOut)];
}

function uniformWithLimit(key: Key, shape: Shape, limit: number, options?: CreateOptions): Tensor {
  return uniform(key, shape, { ...options, min: -limit, max: limit });
}

function truncatedWithStd(key: Key, shape: Shape, std: number, options?: CreateOptions): Tensor {
  return truncatedNormal(key, shape, { ...options, std: std / TRUNCATED_STD });
}

/**
 * Glorot (Xavier) uniform: `U(-l, l)` with `l = sqrt(6 / (fanIn + fanOut))`. The default for
 * conv and dense kernels.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { glorotUniform } from "@convkit/convkit/layers";
 * glorotUniform(key(0), [3, 3, 1, 8]).shape; // [3, 3, 1, 8]
 * ```
 */
export const glorotUniform: Initializer = (key, shape, options): Tensor => {
  const [fanIn, fanOut] = fans(shape);
  return uniformWithLimit(key, shape, Math.sqrt(6 / (fanIn + fanOut)), options);
};

/**
 * Glorot (Xavier) normal: standard deviation `sqrt(2 / (fanIn + fanOut))`, truncated at two
 * standard deviations (Keras' convention).
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { glorotNormal } from "@convkit/convkit/layers";
 * glorotNormal(key(0), [4, 2]).shape; // [4, 2]
 * ```
 */
export const glorotNormal: Initializer = (key, shape, options): Tensor => {
  const [fanIn, fanOut] = fans(shape);
  return truncatedWithStd(key, shape, Math.sqrt(2 / (fanIn + fanOut)), options);
};

/**
 * He (Kaiming) uniform, for ReLU nets: `U(-l, l)` with `l = sqrt(6 / fanIn)`.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { heUniform } from "@convkit/convkit/layers";
 * heUniform(key(0), [4, 2]).shape; // [4, 2]
 * ```
 */
export const heUniform: Initializer = (key, shape, options): Tensor => {
  const [fanIn] = fans(shape);
  return uniformWithLimit(key, shape, Math.sqrt(6 / fanIn), options);
};

/**
 * He (Kaiming) normal, for ReLU nets: standard deviation `sqrt(2 / fanIn)`, truncated at two
 * standard deviations (Keras' convention).
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { heNormal } from "@convkit/convkit/layers";
 * heNormal(key(0), [5, 5, 1, 20]).shape; // [5, 5, 1, 20]
 * ```
 */
export const heNormal: Initializer = (key, shape, options): Tensor => {
  const [fanIn] = fans(shape);
  return truncatedWithStd(key, shape, Math.sqrt(2 / fanIn), options);
};

/**
 * Zeros (the key is ignored). The default for biases.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { zerosInit } from "@convkit/convkit/layers";
 * await zerosInit(key(0), [2]).data(); // Float32Array [0, 0]
 * ```
 */
export const zerosInit: Initializer = (_key, shape, options): Tensor => full(shape, 0, options);

/**
 * An initialiser that fills with `value` (the key is ignored), e.g. a bias of 0.1 before a ReLU.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { constantInit } from "@convkit/convkit/layers";
 * await constantInit(0.1)(key(0), [2], { dtype: "float64" }).data(); // Float64Array [0.1, 0.1]
 * ```
 */
export function constantInit(value: number): Initializer {
  if (typeof value !== "number") {
    throw typeError("constantInit", "value", "must be a number", `got ${show(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw rangeError("constantInit", "value", "must be finite", `got ${value}`);
  }
  return (_key, shape, options) => full(shape, value, options);
}
