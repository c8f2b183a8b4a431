/**
 * Seeded shuffling and batching of host-side data: each batch tensor is gathered from the host
 * arrays, never sliced out of a large tensor.
 * @module
 */

import {
  type Backend,
  checkInt,
  getDefaultBackend,
  type Key,
  permutation,
  show,
  Tensor,
  tensor,
  type TypedArray,
} from "../core/mod.ts";

/** Host data with a shape: `data` holds `shape[0]` examples row-major. */
export interface HostArray {
  /** The values; `Uint8Array` becomes int32 (for labels). */
  readonly data: TypedArray | Uint8Array;
  /** `[n, ...]`: the number of examples first. */
  readonly shape: readonly number[];
}

/**
 * Data to batch: a {@linkcode HostArray}, a typed array (shape `[length]`, as for labels), or a
 * tensor on a backend that reads synchronously (read once).
 */
export type DataArray = HostArray | TypedArray | Uint8Array | Tensor;

/** One batch: the inputs and the targets of the same examples. */
export interface Batch {
  /** The inputs, `[batch, ...]`. */
  readonly x: Tensor;
  /** The targets, `[batch, ...]`. */
  readonly y: Tensor;
}

/** The iterator {@linkcode batches} returns: the batches, plus how many there will be. */
export interface Batches extends IterableIterator<Batch> {
  /** The number of batches in the pass. */
  readonly count: number;
  /** The number of examples in the data. */
  readonly examples: number;
}

/** Options of {@linkcode batches}. */
export interface BatchesOptions {
  /** The number of examples per batch, >= 1. */
  readonly batchSize: number;
  /** Shuffle with `permutation(key, n)`; without a key the order is kept. */
  readonly key?: Key;
  /** Leave out the last batch when it is smaller than `batchSize`. @default {false} */
  readonly dropLast?: boolean;
  /** The backend of the batch tensors. @default {getDefaultBackend()} */
  readonly backend?: Backend;
  /**
   * Transforms each batch's inputs on the host before upload (data augmentation), given the
   * batch's index in the pass. It must return a new array of the same shape and must not modify
   * its argument (the augmentations in `data/` are such pure functions of a key and a batch).
   */
  readonly augment?: (x: HostArray, index: number) => HostArray;
}

interface Host {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly row: number;
}

function toHost(op: string, arg: string, value: DataArray): Host {
  let data: TypedArray | Uint8Array;
  let shape: readonly number[];
  if (value instanceof Tensor) {
    if (!value.backend.readSync) {
      throw new TypeError(
        `${op}: ${arg} is a tensor on the ${value.backend.name} backend, which cannot read ` +
          `synchronously; pass host arrays ({ data, shape }) instead`,
      );
    }
    data = value.dataSync();
    shape = value.shape;
  } else if (ArrayBuffer.isView(value)) {
    data = value as TypedArray | Uint8Array;
    shape = [data.length];
  } else if (typeof value === "object" && value !== null && ArrayBuffer.isView(value.data)) {
    data = value.data;
    shape = value.shape;
  } else {
    throw new TypeError(
      `${op}: ${arg} must be { data, shape }, a typed array or a Tensor, but got ${show(value)}`,
    );
  }
  if (
    !(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array ||
      data instanceof Uint8Array)
  ) {
    throw new TypeError(
      `${op}: ${arg} data must be a Float32Array, Float64Array, Int32Array or Uint8Array, but ` +
        `is a ${(data as object).constructor.name}`,
    );
  }
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new TypeError(`${op}: ${arg} shape must be [n, ...], but got ${show(shape)}`);
  }
  shape.forEach((d, i) => checkInt(op, `${arg} shape[${i}]`, d, 0));
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new TypeError(
      `${op}: ${arg} shape ${show(shape)} holds ${size} values, but its data has ${data.length}`,
    );
  }
  const typed = data instanceof Uint8Array ? Int32Array.from(data) : data;
  const row = shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: typed, shape, row };
}

/**
 * The number of batches {@linkcode batches} yields for `n` examples.
 *
 * @example
 * ```ts
 * import { batchCount } from "@convkit/convkit/train";
 * batchCount(10, { batchSize: 4 }); // 3
 * batchCount(10, { batchSize: 4, dropLast: true }); // 2
 * ```
 */
export function batchCount(
  n: number,
  options: { readonly batchSize: number; readonly dropLast?: boolean },
): number {
  checkInt("batchCount", "n", n, 0);
  const size = checkInt("batchCount", "options.batchSize", options?.batchSize, 1);
  return options.dropLast ? Math.floor(n / size) : Math.ceil(n / size);
}

function gather(host: Host, order: Int32Array, from: number, count: number): HostArray {
  const { data, row } = host;
  const out = new (data.constructor as { new (n: number): TypedArray })(count * row);
  for (let j = 0; j < count; j++) {
    const i = order[from + j];
    out.set(data.subarray(i * row, i * row + row), j * row);
  }
  return { data: out, shape: [count, ...host.shape.slice(1)] };
}

function upload(op: string, batch: HostArray, shape: readonly number[], backend: Backend): Tensor {
  const ok = batch && ArrayBuffer.isView(batch.data) && Array.isArray(batch.shape) &&
    batch.shape.length === shape.length && batch.shape.every((d, i) => d === shape[i]);
  if (!ok) {
    throw new TypeError(
      `${op}: options.augment must return { data, shape } with shape ${show(shape)}, but got ${
        show(batch?.shape)
      }`,
    );
  }
  const data = batch.data instanceof Uint8Array ? Int32Array.from(batch.data) : batch.data;
  return tensor(data, { shape, backend });
}

/**
 * Splits the examples of `x` and `y` (same first axis `n`) into batches of `batchSize`, in the
 * order `permutation(key, n)` when `key` is given (a fixed key gives a fixed order, and each
 * example appears exactly once per pass), else in order. Each batch tensor is gathered row by row
 * from the host arrays into one new typed array and uploaded once. The last batch is smaller
 * unless `dropLast`. Arguments are checked at once; batches are built lazily as you iterate.
 * The iterator's `count` tells how many batches it yields.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { batches } from "@convkit/convkit/train";
 * const x = { data: new Float32Array(20), shape: [10, 2] };
 * const y = new Int32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * const sizes = [...batches(x, y, { batchSize: 4, key: key(0) })].map((b) => b.x.shape[0]);
 * sizes; // [4, 4, 2]
 * ```
 */
export function batches(
  x: DataArray,
  y: DataArray,
  options: BatchesOptions,
): Batches {
  const op = "batches";
  const hx = toHost(op, "x", x);
  const hy = toHost(op, "y", y);
  const n = hx.shape[0];
  if (hy.shape[0] !== n) {
    throw new TypeError(
      `${op}: x and y must hold the same number of examples, but x has shape ${
        show(hx.shape)
      } and y has shape ${show(hy.shape)}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${op}: options must be an object with batchSize, but got ${show(options)}`,
    );
  }
  const size = checkInt(op, "options.batchSize", options.batchSize, 1);
  const count = batchCount(n, options);
  const order = options.key === undefined
    ? Int32Array.from({ length: n }, (_, i) => i)
    : permutation(options.key, n);
  const backend = options.backend ?? getDefaultBackend();
  const augment = options.augment;
  if (augment !== undefined && typeof augment !== "function") {
    throw new TypeError(`${op}: options.augment must be a function, but got ${show(augment)}`);
  }
  const iterator = (function* (): Generator<Batch> {
    for (let b = 0; b < count; b++) {
      const from = b * size;
      const rows = Math.min(size, n - from);
      const bx = gather(hx, order, from, rows);
      const by = gather(hy, order, from, rows);
      yield {
        x: upload(op, augment ? augment(bx, b) : bx, bx.shape, backend),
        y: upload(op, by, by.shape, backend),
      };
    }
  })();
  return Object.assign(iterator, { count, examples: n });
}
