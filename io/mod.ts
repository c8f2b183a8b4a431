/**
 * Weight files for convkit: the safetensors format (readable by PyTorch and JAX tools) with a
 * strict reader for untrusted files, and checkpoints of param and state trees named by their
 * tree paths.
 *
 * @example
 * ```ts
 * import { decodeParams, encodeParams } from "@convkit/convkit/io";
 * import { ones, zeros } from "@convkit/convkit";
 * const bytes = await encodeParams({ conv1: { w: ones([3, 3, 1, 4]), b: zeros([4]) } });
 * const params = decodeParams(bytes, { conv1: { w: zeros([3, 3, 1, 4]), b: zeros([4]) } });
 * ```
 * @module
 */

export * from "./safetensors.ts";
export * from "./encode_safetensors.ts";
export * from "./decode_safetensors.ts";
export * from "./params.ts";
export type { Left, Result, Right } from "../data/result.ts";
