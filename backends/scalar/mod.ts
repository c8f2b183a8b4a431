/**
 * The scalar backend: plain TypeScript loops over typed arrays, for float32, float64 and int32.
 * It is the living definition of every primitive in the table; other backends are correct when
 * they agree with it within a stated tolerance.
 * @module
 */

import { allocate, type DType, type TypedArray } from "../../core/dtype.ts";
import type { Backend, Shape } from "../../core/primitives.ts";
import { col2im, conv2d, conv2dBackpropFilter, conv2dBackpropInput, im2col } from "./_conv.ts";
import { binary, broadcastTo, unary, where } from "./_elementwise.ts";
import { cast, concat, oneHot, pad, slice, transpose } from "./_layout.ts";
import { matmul } from "./_matmul.ts";
import { avgPool2dBackward, maxPool2dBackward, pool2d } from "./_pool.ts";
import { argReduce, reduce } from "./_reduce.ts";

/** A new typed array of `dtype` holding the first `size` elements of `data`, converted. */
function copy(data: TypedArray, dtype: DType, size: number): TypedArray {
  const res = allocate(dtype, size);
  res.set(data.length === size ? data : data.subarray(0, size));
  return res;
}

/**
 * The scalar backend. Its data handle is the typed array itself (`Float32Array`,
 * `Float64Array` or `Int32Array`); every kernel returns a new array and never writes to its
 * inputs. Sums (matmul, conv, reductions, scatter-adds) run in doubles and round to the output
 * dtype once per element.
 *
 * @example
 * ```ts
 * import { scalarBackend } from "@convkit/convkit/backends/scalar";
 *
 * scalarBackend.name; // "scalar"
 * const x = scalarBackend.upload(new Float32Array([1, -2, 3]), [3], "float32");
 * const y = scalarBackend.kernels.unary([{ shape: [3], dtype: "float32", handle: x }], {
 *   op: "relu",
 * }, { shape: [3], dtype: "float32" });
 * scalarBackend.readSync!(y, "float32", 3); // Float32Array [1, 0, 3]
 * ```
 */
export const scalarBackend: Backend<TypedArray> = {
  name: "scalar",
  dtypes: ["float32", "float64", "int32"],
  kernels: {
    unary,
    binary,
    where,
    broadcastTo,
    reduce,
    argReduce,
    matmul,
    conv2d,
    conv2dBackpropInput,
    conv2dBackpropFilter,
    im2col,
    col2im,
    pool2d,
    maxPool2dBackward,
    avgPool2dBackward,
    transpose,
    slice,
    pad,
    concat,
    cast,
    oneHot,
  },
  upload(data: TypedArray, _shape: Shape, dtype: DType): TypedArray {
    return copy(data, dtype, data.length);
  },
  read(handle: TypedArray, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(copy(handle, dtype, size));
  },
  readSync(handle: TypedArray, dtype: DType, size: number): TypedArray {
    return copy(handle, dtype, size);
  },
};
