/**
 * The tfjs kernels the benchmark calls that tfjs-core has no public op for, with the attributes
 * tfjs's own gradient functions pass them (stride 1, NHWC).
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** The input gradient of a stride-1 conv: `dy` `[n, oh, ow, cOut]` to `[n, h, w, cIn]`. */
export function convInputGrad(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  inputShape: readonly number[],
  pad: "valid" | "same",
): tf.Tensor4D {
  const attrs = { strides: [1, 1], pad, dataFormat: "NHWC", inputShape: [...inputShape] };
  return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, attrs) as tf.Tensor4D;
}

/** The filter gradient of a stride-1 conv: `x` and `dy` to `filterShape` `[k, k, cIn, cOut]`. */
export function convFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly number[],
  pad: "valid" | "same",
): tf.Tensor4D {
  const attrs = { strides: [1, 1], pad, dataFormat: "NHWC", filterShape: [...filterShape] };
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor4D;
}

/** The gradient of 2x2 stride-2 valid max pooling of `x` (whose output was `y`). */
export function maxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  const attrs = { filterSize: [2, 2], strides: [2, 2], pad: "valid" };
  return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, attrs) as tf.Tensor4D;
}
