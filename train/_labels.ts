/**
 * How classification labels are matched to logits (private to `train/`): the shape rules shared
 * by the cross-entropy loss and the metrics.
 * @module
 */

import { reshape, show, type Tensor } from "../core/mod.ts";
import { checkFloat, checkTensor, sameShape } from "./_util.ts";

/** Labels resolved against logits `[n, ..., classes]`. */
export type ResolvedLabels =
  | {
    /** Class indices. */
    readonly kind: "index";
    /** int32, shaped like the logits without their last axis. */
    readonly indices: Tensor;
  }
  | {
    /** One-hot or probability targets. */
    readonly kind: "dense";
    /** Shaped like the logits, with their dtype. */
    readonly targets: Tensor;
  };

const squeezeTail = (shape: readonly number[]): number[] => shape.filter((d) => d !== 1);

/** The logits' shape without the class axis: one entry per position (row). */
export function positionsShape(logits: Tensor): readonly number[] {
  return logits.shape.slice(0, -1);
}

/** Checks `logits` (float, rank >= 2, at least one class). */
export function checkLogits(op: string, logits: unknown, arg = "logits"): Tensor {
  const t = checkTensor(op, arg, logits);
  checkFloat(op, arg, t);
  if (t.rank < 2) {
    throw new TypeError(
      `${op}: ${arg} must have rank >= 2 ([n, ..., classes]), but has shape ${show(t.shape)}`,
    );
  }
  if (t.shape[t.rank - 1] === 0) {
    throw new RangeError(
      `${op}: ${arg} must have at least one class, but has shape ${show(t.shape)}`,
    );
  }
  return t;
}

/**
 * Matches `labels` to `logits` `[n, ..., classes]`:
 * - int32 class indices with one index per logits row: the first axis must be `n`, and the rest
 *   of the shape must equal the logits' middle axes once size-1 axes are dropped (so logits
 *   `[n, classes]` or `[n, 1, 1, classes]` take labels `[n]`, `[n, 1]` or `[n, 1, 1]`);
 * - float one-hot or probability targets of exactly the logits' shape and dtype.
 * Index labels are range-checked on backends that read synchronously.
 */
export function resolveLabels(op: string, logits: Tensor, labels: unknown): ResolvedLabels {
  const l = checkTensor(op, "labels", labels);
  const classes = logits.shape[logits.rank - 1];
  const rows = positionsShape(logits);
  if (l.dtype === "int32") {
    const fits = l.rank >= 1 && l.shape[0] === logits.shape[0] &&
      sameShape(squeezeTail(l.shape.slice(1)), squeezeTail(rows.slice(1)));
    if (!fits) {
      throw new TypeError(
        `${op}: int32 labels must hold one class index per row of logits ${show(logits.shape)}, ` +
          `shaped ${show(rows)} (size-1 axes after the first may be added or dropped), but have ` +
          `shape ${show(l.shape)}`,
      );
    }
    if (l.backend.readSync) {
      const data = l.dataSync();
      for (let i = 0; i < data.length; i++) {
        if (data[i] < 0 || data[i] >= classes) {
          throw new RangeError(
            `${op}: labels must be class indices in [0, ${classes}), but element ${i} is ${
              data[i]
            }`,
          );
        }
      }
    }
    return { kind: "index", indices: sameShape(l.shape, rows) ? l : reshape(l, rows) };
  }
  if (!sameShape(l.shape, logits.shape)) {
    throw new TypeError(
      `${op}: ${l.dtype} labels must be one-hot or probability targets of the logits' shape ` +
        `${show(logits.shape)} (class indices must be int32), but have shape ${show(l.shape)}`,
    );
  }
  if (l.dtype !== logits.dtype) {
    throw new TypeError(
      `${op}: one-hot labels must have the logits' dtype ${logits.dtype}, but have ${l.dtype}`,
    );
  }
  return { kind: "dense", targets: l };
}

/** The class index of every row, host-side: the labels themselves, or the argmax of targets. */
export async function hostClasses(labels: ResolvedLabels, classes: number): Promise<Int32Array> {
  if (labels.kind === "index") return Int32Array.from(await labels.indices.data());
  return argmaxRows(await labels.targets.data(), classes);
}

/** The index of the first largest entry of each row of `classes` values. */
export function argmaxRows(data: ArrayLike<number>, classes: number): Int32Array {
  const rows = data.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = data[r * classes];
    for (let c = 1; c < classes; c++) {
      const v = data[r * classes + c];
      if (v > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(v))) {
        best = c;
        bestValue = v;
      }
    }
    out[r] = best;
  }
  return out;
}
