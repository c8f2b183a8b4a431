/**
 * The embedding layer: a learned vector per token id.
 * @module
 */

import { checkInt, type Key, matmul, oneHot, show, type Tensor, zerosLike } from "../core/mod.ts";
import { glorotUniform, type Initializer } from "./init.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { checkInputRank, creation, param, row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode embedding}. */
export interface EmbeddingOptions {
  /** The initialiser of the table `[vocab, dim]`. @default {glorotUniform} */
  readonly embeddingsInit?: Initializer;
}

/** The params of {@linkcode embedding}: the table `[vocab, dim]`, one row per token id. */
export type EmbeddingParams = { readonly table: Tensor };

/**
 * Looks up int32 token ids `x` `[n, len]` in a table `[vocab, dim]`, giving `[n, len, dim]`.
 * Ids outside `[0, vocab)` give a zero vector (and no gradient). The lookup is written as
 * `oneHot(x) @ table`, so the table's gradient, a scatter-add of `dy` into the rows of the ids
 * seen, is `oneHot(x)^T @ dy`. The ids get no gradient: `dx` is int32 zeros. FLOPs: 0 (a lookup).
 * For the summary each position is its own window, as for an elementwise layer.
 *
 * @example
 * ```ts
 * import { key, tensor } from "@convkit/convkit";
 * import { embedding } from "@convkit/convkit/layers";
 * const embed = embedding(1000, 16);
 * const { params, outShape } = embed.init(key(0), [-1, 12]);
 * outShape; // [-1, 12, 16]
 * const [vectors] = embed.apply(params, tensor([[3, 1, 4]], { dtype: "int32" })); // [1, 3, 16]
 * ```
 */
export function embedding(
  vocab: number,
  dim: number,
  options: EmbeddingOptions = {},
): Layer<EmbeddingParams, Empty> {
  const op = "embedding";
  checkInt(op, "vocab", vocab, 1);
  checkInt(op, "dim", dim, 1);
  const init = options.embeddingsInit ?? glorotUniform;
  return stateless<EmbeddingParams>(op, (key: Key, inShape, initOptions) => {
    const [n, len] = singleShape(op, inShape, 2, "[n, len] of token ids");
    const table = init(key, [vocab, dim], creation(op, initOptions));
    const outShape = [n, len, dim];
    return { params: { table }, outShape, info: [row(op, outShape, vocab * dim, 0)] };
  }, (params, input) => {
    const x = singleInput(op, input);
    checkInputRank(op, x, 2, "[n, len] of token ids");
    if (x.dtype !== "int32") {
      throw new TypeError(`${op}: x must hold int32 token ids, but has dtype ${x.dtype}`);
    }
    const table = param(op, params, "table");
    if (table.rank !== 2 || table.shape[0] !== vocab) {
      throw new TypeError(
        `${op}: params.table must have shape [${vocab}, dim], but has shape ${show(table.shape)}`,
      );
    }
    const hot = oneHot(x, vocab, { dtype: table.dtype === "float64" ? "float64" : "float32" });
    const [y, vjp] = matmul.vjp(hot, table);
    return [y, (dy) => [{ table: vjp(singleInput(op, dy, "dy"))[1] }, zerosLike(x)]];
  });
}
