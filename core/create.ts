/**
 * Creating tensors: from nested arrays or typed arrays, and the constant constructors.
 * @module
 */

import { allocate, type DType, dtypeOfArray, isDType, type TypedArray } from "./dtype.ts";
import { getDefaultBackend } from "./backend.ts";
import { show } from "./errors.ts";
import type { Backend, Shape } from "./primitives.ts";
import { checkShape, sizeOf } from "./shape.ts";
import { Tensor } from "./tensor.ts";

/** Where and how to create a tensor. */
export interface CreateOptions {
  /** The element type. @default {"float32"} (or the typed array's own type for `tensor()`) */
  readonly dtype?: DType;
  /** The backend that holds the data. @default {getDefaultBackend()} */
  readonly backend?: Backend;
}

/** Options of {@linkcode tensor}. */
export interface TensorOptions extends CreateOptions {
  /** The shape; required for typed arrays of rank other than 1, inferred from nested arrays. */
  readonly shape?: readonly number[];
}

/** Nested arrays of numbers (or a single number) to build a tensor from. */
export type TensorLike = number | readonly TensorLike[];

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) {
    throw new TypeError(
      `${op}: dtype must be "float32", "float64" or "int32", but got ${show(dtype)}`,
    );
  }
  return dtype;
}

function inferShape(values: TensorLike): number[] {
  const shape: number[] = [];
  let v: TensorLike = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flattenInto(
  op: string,
  values: TensorLike,
  shape: readonly number[],
  axis: number,
  out: number[],
  path: string,
): void {
  if (axis === shape.length) {
    if (typeof values !== "number") {
      throw new TypeError(
        `${op}: values${path} must be a number${
          Array.isArray(values) ? " (the nesting is ragged)" : ""
        }, but got ${Array.isArray(values) ? "an array" : show(values)}`,
      );
    }
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    throw new TypeError(
      `${op}: values${path} must be an array of length ${shape[axis]} (nested arrays must be ` +
        `rectangular), but got ${Array.isArray(values) ? `length ${values.length}` : show(values)}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    flattenInto(op, values[i], shape, axis + 1, out, `${path}[${i}]`);
  }
}

/** Copies host values into a new tensor of `dtype` on `backend`. Values are converted. */
export function fromValues(
  values: ArrayLike<number>,
  shape: Shape,
  dtype: DType,
  backend: Backend,
): Tensor {
  const data = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i];
  return new Tensor(backend, backend.upload(data, shape, dtype), shape, dtype);
}

/**
 * Creates a tensor from a number, nested arrays of numbers, or a typed array plus a shape.
 *
 * `values` may be: a number (rank 0); rectangular nested arrays (the shape is inferred); a typed
 * array or flat array with `shape` given (or rank 1 when omitted). The data is copied.
 *
 * @example
 * ```ts
 * import { tensor } from "@convkit/convkit";
 * const a = tensor([[1, 2], [3, 4]]);                       // float32, shape [2, 2]
 * const b = tensor(new Float64Array(6), { shape: [2, 3] }); // float64, shape [2, 3]
 * const c = tensor(7, { dtype: "int32" });                  // int32 scalar
 * ```
 */
export function tensor(values: TensorLike | TypedArray, options: TensorOptions = {}): Tensor {
  const op = "tensor";
  if (ArrayBuffer.isView(values)) {
    if (
      !(values instanceof Float32Array || values instanceof Float64Array ||
        values instanceof Int32Array)
    ) {
      throw new TypeError(
        `${op}: values must be a Float32Array, Float64Array or Int32Array, but got ${
          (values as ArrayBufferView).constructor.name
        }`,
      );
    }
    const dtype = checkDType(op, options.dtype ?? dtypeOfArray(values));
    const shape = options.shape === undefined
      ? [values.length]
      : checkShape(op, "shape", options.shape);
    if (sizeOf(shape) !== values.length) {
      throw new TypeError(
        `${op}: shape ${show(shape)} holds ${
          sizeOf(shape)
        } elements, but values has ${values.length}`,
      );
    }
    checkInt32Values(op, values, dtype);
    return fromValues(values, shape, dtype, checkBackend(op, options.backend, dtype));
  }
  if (typeof values !== "number" && !Array.isArray(values)) {
    throw new TypeError(
      `${op}: values must be a number, nested arrays of numbers or a typed array, but got ${
        show(values)
      }`,
    );
  }
  const dtype = checkDType(op, options.dtype ?? "float32");
  const nested = inferShape(values);
  const flat: number[] = [];
  flattenInto(op, values, nested, 0, flat, "");
  let shape = nested;
  if (options.shape !== undefined) {
    shape = checkShape(op, "shape", options.shape);
    if (sizeOf(shape) !== flat.length) {
      throw new TypeError(
        `${op}: shape ${show(shape)} holds ${
          sizeOf(shape)
        } elements, but values has ${flat.length}`,
      );
    }
  }
  checkInt32Values(op, flat, dtype);
  return fromValues(flat, shape, dtype, checkBackend(op, options.backend, dtype));
}

function checkInt32Values(op: string, values: ArrayLike<number>, dtype: DType): void {
  if (dtype !== "int32") return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new RangeError(
        `${op}: int32 values must be integers in [-2^31, 2^31), but element ${i} is ${v}`,
      );
    }
  }
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * import { full } from "@convkit/convkit";
 * await full([2], 3).data(); // Float32Array [3, 3]
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled("full", shape, value, options);
}

function filled(
  op: string,
  shape: readonly number[],
  value: number,
  options: CreateOptions,
): Tensor {
  const s = checkShape(op, "shape", shape);
  const dtype = checkDType(op, options.dtype ?? "float32");
  if (typeof value !== "number") {
    throw new TypeError(`${op}: value must be a number, but got ${show(value)}`);
  }
  const data = allocate(dtype, sizeOf(s));
  checkInt32Values(op, [value], dtype);
  data.fill(value);
  const backend = checkBackend(op, options.backend, dtype);
  return new Tensor(backend, backend.upload(data, s, dtype), s, dtype);
}

function checkBackend(op: string, backend: Backend | undefined, dtype: DType): Backend {
  const b = backend ?? getDefaultBackend();
  if (!b.dtypes.includes(dtype)) {
    throw new TypeError(
      `${op}: the ${b.name} backend does not support dtype ${dtype} (it supports ${
        b.dtypes.join(", ")
      })`,
    );
  }
  return b;
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from "@convkit/convkit";
 * zeros([2, 3]).shape; // [2, 3]
 * ```
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled("zeros", shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from "@convkit/convkit";
 * await ones([2], { dtype: "int32" }).data(); // Int32Array [1, 1]
 * ```
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled("ones", shape, 1, options);
}

/**
 * A tensor shaped like `t` (same dtype and backend unless overridden) filled with `value`.
 *
 * @example
 * ```ts
 * import { fullLike, tensor } from "@convkit/convkit";
 * await fullLike(tensor([1, 2]), 5).data(); // Float32Array [5, 5]
 * ```
 */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, {
    dtype: options.dtype ?? t.dtype,
    backend: options.backend ?? t.backend,
  });
}

/**
 * Zeros shaped like `t`, with its dtype and backend.
 *
 * @example
 * ```ts
 * import { tensor, zerosLike } from "@convkit/convkit";
 * zerosLike(tensor([[1, 2]])).shape; // [1, 2]
 * ```
 */
export function zerosLike(t: Tensor): Tensor {
  return fullLike(t, 0);
}

/**
 * Ones shaped like `t`, with its dtype and backend.
 *
 * @example
 * ```ts
 * import { onesLike, tensor } from "@convkit/convkit";
 * await onesLike(tensor([7, 8])).data(); // Float32Array [1, 1]
 * ```
 */
export function onesLike(t: Tensor): Tensor {
  return fullLike(t, 1);
}

/** Options of {@linkcode arange}. */
export interface ArangeOptions extends CreateOptions {
  /** The distance between values; non-zero. @default {1} */
  readonly step?: number;
}

/**
 * Evenly spaced values in `[start, stop)`; with one number, `[0, start)` (options may follow
 * it directly: `arange(3, { dtype: "int32" })`).
 *
 * @example
 * ```ts
 * import { arange } from "@convkit/convkit";
 * await arange(4).data();                    // Float32Array [0, 1, 2, 3]
 * await arange(1, 2, { step: 0.25 }).data(); // Float32Array [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(
  start: number,
  stop?: number | ArangeOptions,
  options: ArangeOptions = {},
): Tensor {
  const op = "arange";
  if (typeof stop === "object" && stop !== null) {
    options = stop;
    stop = undefined;
  }
  const [a, b] = stop === undefined ? [0, start] : [start, stop];
  const step = options.step ?? 1;
  for (const [name, v] of [["start", a], ["stop", b], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`${op}: ${name} must be a finite number, but got ${show(v)}`);
    }
  }
  if (step === 0) throw new RangeError(`${op}: step must be non-zero, but got 0`);
  const n = Math.max(0, Math.ceil((b - a) / step));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a + i * step;
  const dtype = checkDType(op, options.dtype ?? "float32");
  checkInt32Values(op, values, dtype);
  return fromValues(values, [n], dtype, checkBackend(op, options.backend, dtype));
}
