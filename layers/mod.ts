/**
 * Layers as pure functions (stax/Equinox style), combinators, initialisers and the model
 * summary. A layer is `{ name, init(key, inputShape), apply(params, x, ctx) }`; see
 * {@linkcode Layer} for the contract. Layer names match the ops they wrap (`conv2d`, `relu`, ...),
 * so import layers from this entry point (or as a namespace) rather than next to the ops.
 *
 * @example
 * ```ts
 * import { key, ones } from "@convkit/convkit";
 * import {
 *   conv2d,
 *   formatSummary,
 *   maxPool2d,
 *   relu,
 *   serial,
 *   summary,
 * } from "@convkit/convkit/layers";
 *
 * // MatConvNet's MNIST "BASE" net: 431,080 params
 * const net = serial(
 *   conv2d(20, 5),
 *   maxPool2d(2),
 *   conv2d(50, 5),
 *   maxPool2d(2),
 *   conv2d(500, 4),
 *   relu(),
 *   conv2d(10, 1),
 * );
 * const { params, state } = net.init(key(0), [-1, 28, 28, 1]);
 * const [logits, vjp] = net.apply(params, ones([2, 28, 28, 1]), { state }); // [2, 1, 1, 10]
 * summary(net, [-1, 28, 28, 1]).totalParams; // 431080
 * ```
 * @module
 */

export * from "./layer.ts";
export * from "./init.ts";
export * from "./dense.ts";
export * from "./conv1d.ts";
export * from "./conv2d.ts";
export * from "./conv2d_untied_bias.ts";
export * from "./pool.ts";
export * from "./activation.ts";
export * from "./flatten.ts";
export * from "./reshape.ts";
export * from "./dropout.ts";
export * from "./batch_norm.ts";
export * from "./embedding.ts";
export * from "./combinators.ts";
export * from "./summary.ts";
