/**
 * convkit: build, train and run convolutional neural networks in TypeScript, with immutable
 * tensors, pure layers and trustworthy gradients.
 *
 * Importing this module makes the scalar reference backend the default for new tensors (unless a
 * default was already set).
 *
 * @example
 * ```ts
 * import { conv2d, ones, relu, sum, tensor } from "@convkit/convkit";
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 3, 3, 1] });
 * const w = ones([2, 2, 1, 1]);
 * const [y, vjp] = conv2d.vjp(x, w);
 * const [dx, dw] = vjp(ones(y.shape));
 * await dw.data(); // Float32Array [12, 16, 24, 28]
 * ```
 * @module
 */

import { hasDefaultBackend, setDefaultBackend } from "./core/backend.ts";
import { scalarBackend } from "./backends/scalar/mod.ts";

export * from "./core/mod.ts";
export { scalarBackend };

if (!hasDefaultBackend()) setDefaultBackend(scalarBackend);
