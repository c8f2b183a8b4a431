/**
 * MatConvNet's MNIST "BASE" net from the course notes (`cnn_mnist_init.m`, without batch norm).
 * @module
 */

import { conv2d, type Layer, maxPool2d, relu, serial } from "../layers/mod.ts";

/**
 * The MNIST BASE net: conv 5x5x1x20, max-pool 2x2 stride 2, conv 5x5x20x50, max-pool 2x2
 * stride 2, conv 4x4x50x500, ReLU, conv 1x1x500x10. It maps `[n, 28, 28, 1]` images to
 * `[n, 1, 1, 10]` logits (softmax cross-entropy goes on top) and has 431,080 parameters.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { mnistBase } from "@convkit/convkit/models";
 * const net = mnistBase();
 * net.init(key(0), [-1, 28, 28, 1]).outShape; // [-1, 1, 1, 10]
 * ```
 */
export function mnistBase(): Layer {
  return serial(
    conv2d(20, 5),
    maxPool2d(2),
    conv2d(50, 5),
    maxPool2d(2),
    conv2d(500, 4),
    relu(),
    conv2d(10, 1),
  );
}
