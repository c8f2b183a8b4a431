/**
 * The immutable `Tensor`: a frozen shape, a dtype and the backend that holds the data. No
 * operation mutates a tensor or consumes its inputs.
 * @module
 */

import type { DType, TypedArray } from "./dtype.ts";
import type { Backend, Shape } from "./primitives.ts";

/** A nested array of numbers, as returned by {@linkcode Tensor.array}. */
export type NestedArray = number | NestedArray[];

/**
 * The data behind one or more tensors (a reshape shares it). Counts the live tensors so that a
 * backend with pooled memory gets its `release` call exactly once.
 */
interface Storage {
  readonly backend: Backend;
  readonly handle: unknown;
  refs: number;
}

function releaseRef(storage: Storage): void {
  storage.refs--;
  if (storage.refs === 0) storage.backend.release?.(storage.handle);
}

const finalizer: FinalizationRegistry<Storage> = new FinalizationRegistry(releaseRef);

/**
 * An immutable n-dimensional array. Create tensors with `tensor`, `zeros`, `ones`, `full`,
 * `arange` or the random functions; every op returns a new tensor.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * const t = tensor([[1, 2, 3], [4, 5, 6]]);
 * t.shape; // [2, 3]
 * await t.data(); // Float32Array [1, 2, 3, 4, 5, 6]
 * ```
 */
export class Tensor {
  /** The size of each axis (frozen). */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The number of elements. */
  readonly size: number;
  #storage: Storage | undefined;

  /**
   * Wraps a backend handle. For ops and backends; users create tensors with `tensor()` and the
   * other creation functions. The shape is copied and frozen.
   */
  constructor(backend: Backend, handle: unknown, shape: Shape, dtype: DType) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    let size = 1;
    for (const d of shape) size *= d;
    this.size = size;
    const storage: Storage = { backend, handle, refs: 1 };
    this.#storage = storage;
    if (backend.release) finalizer.register(this, storage, this);
    Object.freeze(this);
  }

  /** The backend that holds the data. */
  get backend(): Backend {
    return this.#live("backend").backend;
  }

  /** The number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** False once the tensor has been disposed. */
  get isAlive(): boolean {
    return this.#storage !== undefined;
  }

  #live(what: string): Storage {
    const s = this.#storage;
    if (s === undefined) {
      throw new TypeError(
        `Tensor.${what}: this tensor (shape [${this.shape.join(", ")}]) was disposed`,
      );
    }
    return s;
  }

  /**
   * Reads the data as a new typed array (a copy: changing it does not change the tensor).
   *
   * @example
   * ```ts
   * import { tensor } from "@convkit/convkit";
   * await tensor([1, 2], { dtype: "int32" }).data(); // Int32Array [1, 2]
   * ```
   */
  data(): Promise<TypedArray> {
    const s = this.#live("data");
    return s.backend.read(s.handle, this.dtype, this.size);
  }

  /**
   * Reads the data synchronously, on backends that can (the scalar backend can; WebGPU cannot).
   * Elsewhere it throws a `TypeError`; use `await t.data()` instead.
   */
  dataSync(): TypedArray {
    const s = this.#live("dataSync");
    if (!s.backend.readSync) {
      throw new TypeError(
        `Tensor.dataSync: the ${s.backend.name} backend cannot read synchronously; ` +
          `use await tensor.data() instead`,
      );
    }
    return s.backend.readSync(s.handle, this.dtype, this.size);
  }

  /**
   * Reads the data as nested arrays shaped like the tensor (a number for rank 0).
   *
   * @example
   * ```ts
   * import { tensor } from "@convkit/convkit";
   * await tensor([[1, 2], [3, 4]]).array(); // [[1, 2], [3, 4]]
   * ```
   */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** Like {@linkcode Tensor.array}, synchronously, where the backend allows it. */
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /**
   * Releases the data now instead of waiting for garbage collection. Never needed for
   * correctness; it lets GPU backends reuse memory sooner (e.g. with `using`). Using a disposed
   * tensor afterwards throws a clear error. Disposing twice is harmless.
   */
  dispose(): void {
    const s = this.#storage;
    if (s === undefined) return;
    this.#storage = undefined;
    if (s.backend.release) finalizer.unregister(this);
    releaseRef(s);
  }

  /** Same as {@linkcode Tensor.dispose}, for `using t = ...`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** A short description: `Tensor(float32, [2, 3], scalar)`. */
  toString(): string {
    const b = this.#storage?.backend.name ?? "disposed";
    return `Tensor(${this.dtype}, [${this.shape.join(", ")}], ${b})`;
  }

  /**
   * A new tensor with another shape over the same data (no copy). For the `reshape` op, which
   * validates the shape; `shape` must have the same size.
   */
  static shareWithShape(t: Tensor, shape: Shape): Tensor {
    const s = t.#live("reshape");
    const out = new Tensor(s.backend, s.handle, shape, t.dtype);
    // The new tensor shares `s`: replace the fresh storage record with the shared one.
    const fresh = out.#storage!;
    if (s.backend.release) finalizer.unregister(out);
    fresh.refs = 0;
    s.refs++;
    out.#storage = s;
    if (s.backend.release) finalizer.register(out, s, out);
    return out;
  }

  /** The backend handle of a live tensor, for ops and backends only. */
  static handleOf(t: Tensor): unknown {
    return t.#live("handle").handle;
  }
}

function nest(data: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0];
  let pos = 0;
  const build = (axis: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[axis]; i++) {
      out.push(axis === shape.length - 1 ? data[pos++] : build(axis + 1));
    }
    return out;
  };
  return build(0);
}
