/**
 * A convolutional sentence classifier in the style of Kim (2014), "Convolutional Neural Networks
 * for Sentence Classification".
 * @module
 */

import { checkInt, show, typeError } from "../core/mod.ts";
import {
  conv1d,
  dense,
  dropout,
  embedding,
  fanInConcat,
  fanOut,
  globalMaxPool1d,
  type Layer,
  parallel,
  relu,
  serial,
} from "../layers/mod.ts";
import { checkRate } from "./_util.ts";

/** Options of {@linkcode textCnn}. */
export interface TextCnnOptions {
  /** The size of each token's embedding vector. @default {32} */
  readonly embeddingDim?: number;
  /** The window widths of the parallel conv1d branches, in tokens. @default {[2, 3, 4]} */
  readonly widths?: readonly number[];
  /** The filters of each branch. @default {16} */
  readonly filters?: number;
  /**
   * The dropout rate before the dense layer (active in train mode only); 0 for none.
   * @default {0.5}
   */
  readonly dropout?: number;
}

/**
 * A text CNN: int32 token ids `[n, len]` to `[n, classes]` logits.
 *
 * `embedding(vocabSize, embeddingDim)` gives `[n, len, embeddingDim]`; then one branch per width
 * `w` in `widths`, run in parallel on copies of it: `conv1d(filters, w)` ("valid", so
 * `len >= max(widths)`), ReLU, and max pooling over time (`[n, filters]`); the branches are
 * concatenated (`[n, filters * widths.length]`), dropped out in training, and a dense layer
 * gives the logits. Token id 0 can serve as padding (it is an ordinary learned vector).
 *
 * @example
 * ```ts
 * import { key, tensor } from "@convkit/convkit";
 * import { textCnn } from "@convkit/convkit/models";
 * const net = textCnn(100, 2, { widths: [2, 3], filters: 4 });
 * const { params, outShape } = net.init(key(0), [-1, 8]);
 * outShape; // [-1, 2]
 * const ids = tensor([[5, 9, 2, 7, 0, 0, 0, 0]], { dtype: "int32" });
 * const [logits] = net.apply(params, ids); // [1, 2]
 * ```
 */
export function textCnn(vocabSize: number, classes: number, options: TextCnnOptions = {}): Layer {
  const op = "textCnn";
  checkInt(op, "vocabSize", vocabSize, 1);
  checkInt(op, "classes", classes, 1);
  const dim = checkInt(op, "options.embeddingDim", options.embeddingDim ?? 32, 1);
  const filters = checkInt(op, "options.filters", options.filters ?? 16, 1);
  const widths = options.widths ?? [2, 3, 4];
  if (!Array.isArray(widths) || widths.length === 0) {
    throw typeError(op, "options.widths", "must be a non-empty array", `got ${show(widths)}`);
  }
  widths.forEach((w, i) => checkInt(op, `options.widths[${i}]`, w, 1));
  const rate = checkRate(op, "options.dropout", options.dropout ?? 0.5);
  const branches = widths.map((w) => serial(conv1d(filters, w), relu(), globalMaxPool1d()));
  return serial(
    embedding(vocabSize, dim),
    fanOut(widths.length),
    parallel(...branches),
    fanInConcat(),
    ...(rate > 0 ? [dropout(rate)] : []),
    dense(classes),
  );
}
