/**
 * A model summary computed from `init` alone (shape inference, no data): per primitive layer the
 * output shape, the parameter count, the FLOPs and the receptive field, with totals.
 *
 * Receptive fields are printed as MatConvNet's `vl_simplenn_display` does, per axis `[h, w]`,
 * composed along the rows in order from the input (size 1, stride 1, offset 1). A row with a
 * window of extent `k` (after dilation), stride `s` and padding `p` before the first cell gives
 * - size: `size + (k - 1) * stride`,
 * - stride: `stride * s`,
 * - offset: `offset + ((k - 1) / 2 - p) * stride`, the 1-based input coordinate of the centre of
 *   the field of the first output cell (a half means between two cells);
 * where `size`, `stride` and `offset` are the previous row's. Rows without a window (activations,
 * dense after a flatten, ...) keep the field. Composing along the rows is exact for chains and
 * for residual blocks; for `parallel` branches that both hold windows it adds them up, which
 * overstates the field.
 * @module
 */

import { type Key, key, treeSize } from "../core/mod.ts";
import type { InitOptions, InShape, Layer, LayerInfo, OutShape } from "./layer.ts";

/** The receptive field of one row, per axis `[h, w]`. */
export interface ReceptiveField {
  /** The extent of input cells that one output cell depends on. */
  readonly size: readonly [number, number];
  /** The input distance between neighbouring output cells. */
  readonly stride: readonly [number, number];
  /** The 1-based input coordinate of the centre of the first output cell's field. */
  readonly offset: readonly [number, number];
}

/** One row of a {@linkcode Summary}: a primitive layer and its receptive field. */
export interface SummaryRow extends LayerInfo {
  /** The receptive field of the layer's output, relative to the model's input. */
  readonly field: ReceptiveField;
}

/** What {@linkcode summary} returns. */
export interface Summary {
  /** One row per primitive layer, in order. */
  readonly rows: SummaryRow[];
  /** The input shape given. */
  readonly inputShape: InShape;
  /** The model's output shape. */
  readonly outShape: OutShape;
  /** The number of parameter elements (the size of the params tree). */
  readonly totalParams: number;
  /** The FLOPs per example, summed over the rows. */
  readonly totalFlops: number;
}

/** Options of {@linkcode summary}. */
export interface SummaryOptions extends InitOptions {
  /** The key given to `init` (the summary does not depend on it). @default {key(0)} */
  readonly key?: Key;
}

/**
 * Summarises `layer` for an input of `inputShape` (batch axis first, `-1` for any): calls
 * `init` once and composes the rows' receptive fields (see the module documentation). Params are
 * created on `options.backend` (the default backend otherwise) and dropped.
 *
 * @example
 * ```ts
 * import "@convkit/convkit"; // sets the default backend
 * import { conv2d, maxPool2d, relu, serial, summary } from "@convkit/convkit/layers";
 * const net = serial(conv2d(20, 5), maxPool2d(2), relu());
 * const s = summary(net, [-1, 28, 28, 1]);
 * s.totalParams;                  // 520
 * s.rows.map((r) => r.field.size[0]); // [5, 6, 6]
 * ```
 */
export function summary(layer: Layer, inputShape: InShape, options: SummaryOptions = {}): Summary {
  if (typeof layer !== "object" || layer === null || typeof layer.init !== "function") {
    throw new TypeError(`summary: layer must be a Layer ({ name, init, apply })`);
  }
  const { key: k, ...initOptions } = options;
  const init = layer.init(k ?? key(0), inputShape, initOptions);
  let size: [number, number] = [1, 1];
  let stride: [number, number] = [1, 1];
  let offset: [number, number] = [1, 1];
  const rows = init.info.map((info): SummaryRow => {
    const r = info.receptive;
    if (r !== undefined) {
      const axes = [0, 1] as const;
      offset = axes.map((a) => offset[a] + ((r.kernel[a] - 1) / 2 - r.padding[a]) * stride[a]) as [
        number,
        number,
      ];
      size = axes.map((a) => size[a] + (r.kernel[a] - 1) * stride[a]) as [number, number];
      stride = axes.map((a) => stride[a] * r.stride[a]) as [number, number];
    }
    return { ...info, field: { size, stride, offset } };
  });
  return {
    rows,
    inputShape,
    outShape: init.outShape,
    totalParams: treeSize(init.params),
    totalFlops: rows.reduce((t, r) => t + r.flops, 0),
  };
}

function formatShape(shape: OutShape): string {
  if (shape.length > 0 && Array.isArray(shape[0])) {
    return `[${(shape as readonly OutShape[]).map(formatShape).join(", ")}]`;
  }
  return `[${(shape as readonly number[]).map((d) => (d === -1 ? "n" : String(d))).join(", ")}]`;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

function formatPair(p: readonly [number, number]): string {
  return p[0] === p[1] ? String(p[0]) : `${p[0]}x${p[1]}`;
}

/**
 * Formats a summary as a text table: one line per row (name, output shape with `n` for the batch
 * axis, params, FLOPs, receptive field size, stride and offset, each printed once when `h` and
 * `w` agree and as `hxw` otherwise), then the totals.
 *
 * @example
 * ```ts
 * import "@convkit/convkit"; // sets the default backend
 * import { conv2d, formatSummary, serial, summary } from "@convkit/convkit/layers";
 * console.log(formatSummary(summary(serial(conv2d(20, 5)), [-1, 28, 28, 1])));
 * ```
 */
export function formatSummary(summary: Summary): string {
  const header = ["layer", "output shape", "params", "FLOPs", "rf size", "rf stride", "rf offset"];
  const body = summary.rows.map((r) => [
    r.name,
    formatShape(r.outShape),
    formatCount(r.params),
    formatCount(r.flops),
    formatPair(r.field.size),
    formatPair(r.field.stride),
    formatPair(r.field.offset),
  ]);
  const total = [
    "total",
    formatShape(summary.outShape),
    formatCount(summary.totalParams),
    formatCount(summary.totalFlops),
    "",
    "",
    "",
  ];
  const table = [header, ...body, total];
  const widths = header.map((_, c) => Math.max(...table.map((line) => line[c].length)));
  const format = (line: string[]): string =>
    line.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ").trimEnd();
  const rule = "-".repeat(widths.reduce((t, w) => t + w, 0) + 2 * (widths.length - 1));
  return [format(header), rule, ...body.map(format), rule, format(total)].join("\n");
}
