/**
 * Element types and the typed arrays that hold them.
 * @module
 */

/** The element type of a tensor. `float32` is the default everywhere. */
export type DType = "float32" | "float64" | "int32";

/** Every dtype, in a fixed order (useful for validation and tests). */
export const DTYPES: readonly DType[] = Object.freeze(["float32", "float64", "int32"]);

/** A typed array that can hold the data of some dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Returns true when `value` is one of the supported dtype names. */
export function isDType(value: unknown): value is DType {
  return value === "float32" || value === "float64" || value === "int32";
}

/** Returns true for the floating-point dtypes (`float32`, `float64`). */
export function isFloatDType(dtype: DType): boolean {
  return dtype !== "int32";
}

/**
 * Allocates a zero-filled typed array of `size` elements for `dtype`.
 *
 * @example
 * ```ts
 * import { allocate } from "@convkit/convkit/core";
 * allocate("float64", 3); // Float64Array [0, 0, 0]
 * ```
 */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
  }
}

/** Returns the dtype that a typed array holds. */
export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Float64Array) return "float64";
  return "int32";
}
