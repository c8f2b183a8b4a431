/**
 * Checkpoints of param trees (and state trees: anything that is a tree of tensors) as
 * safetensors files. Each leaf is stored under its tree path (`conv1.w`, `layers[0].b`, as
 * `treeToRecord` names it), so the files open in PyTorch or JAX tools with readable names.
 * Loading checks the file against the model's own tree: every name, shape and dtype must match.
 * @module
 */

import type { Backend } from "../core/primitives.ts";
import { show } from "../core/errors.ts";
import { tensor } from "../core/create.ts";
import type { Tensor } from "../core/tensor.ts";
import { type Tree, treeFlatten, treeToRecord, treeUnflatten } from "../core/tree.ts";
import { decodeSafetensors, type DecodeSafetensorsOptions } from "./decode_safetensors.ts";
import { encodeSafetensors } from "./encode_safetensors.ts";
import { SafetensorsError } from "./safetensors.ts";

/**
 * Encodes the leaves of `tree` as a safetensors file, each named by its tree path, with
 * optional string `metadata`. To keep params and state in one file, pass `{ params, state }`.
 *
 * @example
 * ```ts
 * import { encodeParams } from "@convkit/convkit/io";
 * import { ones } from "@convkit/convkit";
 * const bytes = await encodeParams({ conv1: { w: ones([3, 3, 1, 8]), b: ones([8]) } });
 * ```
 */
export function encodeParams(tree: Tree, metadata?: Record<string, string>): Promise<Uint8Array> {
  return encodeSafetensors(treeToRecord(tree), metadata);
}

/** Options of {@linkcode decodeParams} and {@linkcode loadParams}. */
export interface DecodeParamsOptions extends DecodeSafetensorsOptions {
  /** Where to create the loaded tensors. @default {the backend of each leaf of `structure`} */
  readonly backend?: Backend;
}

const LIST_AT_MOST = 20;

function list(items: readonly string[]): string {
  const shown = items.slice(0, LIST_AT_MOST).join(", ");
  return items.length > LIST_AT_MOST
    ? `${shown}, ... (${items.length - LIST_AT_MOST} more)`
    : shown;
}

/**
 * Decodes a safetensors file into a tree with the structure of `structure` (for example the
 * params from the model's `init`, whose values are ignored). The file must hold exactly the
 * tree's paths, each with the leaf's shape and dtype. Throws the file's
 * {@linkcode SafetensorsError} for malformed content, and a `TypeError` listing every missing,
 * extra and mismatched name when the file does not fit the tree.
 *
 * @example
 * ```ts
 * import { decodeParams, encodeParams } from "@convkit/convkit/io";
 * import { ones, zeros } from "@convkit/convkit";
 * const bytes = await encodeParams({ w: ones([2]) });
 * const params = decodeParams(bytes, { w: zeros([2]) });
 * await params.w.data(); // Float32Array [1, 1]
 * ```
 */
export function decodeParams<T extends Tree>(
  bytes: Uint8Array,
  structure: T,
  options: DecodeParamsOptions = {},
): T {
  const op = "decodeParams";
  const decoded = decodeSafetensors(bytes, options);
  if (decoded._tag === "Left") throw decoded.left;
  const file = decoded.right.tensors;
  const { paths, leaves } = treeFlatten(structure);
  const missing: string[] = [];
  const mismatched: string[] = [];
  paths.forEach((path, i) => {
    if (!Object.hasOwn(file, path)) {
      missing.push(path);
      return;
    }
    const f = file[path];
    const leaf = leaves[i];
    if (f.dtype !== leaf.dtype || show(f.shape) !== show(leaf.shape)) {
      mismatched.push(
        `${path} (file ${f.dtype} ${show(f.shape)}, model ${leaf.dtype} ${show(leaf.shape)})`,
      );
    }
  });
  const wanted = new Set(paths);
  const extra = Object.keys(file).filter((name) => !wanted.has(name));
  if (missing.length + extra.length + mismatched.length > 0) {
    const parts = [
      missing.length ? `missing from the file: ${list(missing)}` : "",
      extra.length ? `not in the model: ${list(extra)}` : "",
      mismatched.length ? `different shape or dtype: ${list(mismatched)}` : "",
    ].filter((p) => p !== "");
    throw new TypeError(`${op}: the file does not match the model's tree; ${parts.join("; ")}`);
  }
  const loaded: Tensor[] = paths.map((path, i) => {
    const f = file[path];
    return tensor(f.data, {
      shape: f.shape,
      dtype: f.dtype,
      backend: options.backend ?? leaves[i].backend,
    });
  });
  return treeUnflatten(structure, loaded);
}

/**
 * Saves the leaves of `tree` to a safetensors file at `path` (see {@linkcode encodeParams}).
 * Writes `path + ".partial"` first and then renames it, so an interrupted save never leaves a
 * half-written checkpoint under `path`. Needs `--allow-write` for both names.
 *
 * @example
 * ```ts ignore
 * import { saveParams } from "@convkit/convkit/io";
 * await saveParams("mnist.safetensors", params, { epochs: "3" });
 * ```
 */
export async function saveParams(
  path: string | URL,
  tree: Tree,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = await encodeParams(tree, metadata);
  const partial = path instanceof URL ? new URL(`${path.href}.partial`) : `${path}.partial`;
  await Deno.writeFile(partial, bytes);
  await Deno.rename(partial, path);
}

/**
 * Loads a safetensors file from `path` into a tree shaped like `structure`, checked as
 * {@linkcode decodeParams} does; the error messages start with the path. Needs `--allow-read`.
 *
 * @example
 * ```ts ignore
 * import { loadParams } from "@convkit/convkit/io";
 * const params = await loadParams("mnist.safetensors", initialParams);
 * ```
 */
export async function loadParams<T extends Tree>(
  path: string | URL,
  structure: T,
  options: DecodeParamsOptions = {},
): Promise<T> {
  const bytes = await Deno.readFile(path);
  try {
    return decodeParams(bytes, structure, options);
  } catch (e) {
    const message = `${String(path)}: ${(e as Error).message}`;
    if (e instanceof SafetensorsError) throw new SafetensorsError(e.kind, message);
    if (e instanceof TypeError) throw new TypeError(message);
    throw e;
  }
}
