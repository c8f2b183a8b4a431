/**
 * The primitive set: one typed table of every kernel a backend must provide, and the backend
 * contract derived from it. A backend that lacks a primitive, or gives one the wrong signature,
 * fails `deno check`.
 *
 * Conventions shared by every primitive:
 * - Images are NHWC (`[n, h, w, c]`), conv filters are HWIO (`[kh, kw, cIn, cOut]`).
 * - Data is dense and row-major (the last axis varies fastest).
 * - The frontend (the public ops in `core/ops`) validates every argument and computes the output
 *   shape and dtype before calling a kernel; kernels may assume valid input and must never mutate
 *   their inputs.
 * - Unless stated otherwise, inputs and output share one dtype.
 * @module
 */

import type { DType, TypedArray } from "./dtype.ts";

/** A tensor shape: one non-negative integer size per axis. */
export type Shape = readonly number[];

/** Explicit per-side padding of the two spatial axes: `[[top, bottom], [left, right]]`. */
export type Padding2d = readonly [readonly [number, number], readonly [number, number]];

/** A backend's view of one input: its shape, its dtype and the backend-owned data handle. */
export interface KTensor<H> {
  /** The shape. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The backend's handle to the data (a typed array on the scalar backend). */
  readonly handle: H;
}

/** What a kernel is asked to produce: the output's shape and dtype, computed by the frontend. */
export interface OutInfo {
  /** The output shape. */
  readonly shape: Shape;
  /** The output element type. */
  readonly dtype: DType;
}

/**
 * Elementwise functions of one argument. Conventions at kinks: `step(x)` is 1 for x > 0 and 0
 * otherwise (so relu'(0) = 0); `sign(0)` is 0.
 */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "step"
  | "exp"
  | "log"
  | "sqrt"
  | "square"
  | "reciprocal"
  | "relu"
  | "sigmoid"
  | "tanh";

/**
 * Elementwise functions of two arguments. The comparisons (`greater`, `greaterEqual`, `equal`)
 * return 1 or 0 in the input dtype.
 */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "greater"
  | "greaterEqual"
  | "equal";

/** Reductions. */
export type ReduceOp = "sum" | "max" | "min";

/** Index reductions. Ties go to the first index. */
export type ArgReduceOp = "argmax" | "argmin";

/** Geometry of a 2D convolution or im2col, all values already resolved to explicit numbers. */
export interface Conv2dGeometry {
  /** `[strideH, strideW]`, each >= 1. */
  readonly stride: readonly [number, number];
  /** `[dilationH, dilationW]`, each >= 1: the filter taps sit `dilation` input cells apart. */
  readonly dilation: readonly [number, number];
  /** Zero padding added to each side of the input. */
  readonly padding: Padding2d;
}

/** Geometry of a 2D pooling window, resolved to explicit numbers. */
export interface Pool2dGeometry {
  /** `[windowH, windowW]`. */
  readonly window: readonly [number, number];
  /** `[strideH, strideW]`, each >= 1. */
  readonly stride: readonly [number, number];
  /** Padding added to each side. Padded cells never win a max and count for an average only when `countPadded`. */
  readonly padding: Padding2d;
}

/**
 * The table of primitives. Each entry gives the number of tensor inputs (`-1` for a variable
 * number) and the attributes the kernel receives. The exact semantics of each:
 *
 * - `unary` `(x)`: `out[i] = op(x[i])`.
 * - `binary` `(a, b)`: `out[i] = op(a[i'], b[i''])` with NumPy broadcasting of `a` and `b` to
 *   `out.shape` (ranks aligned on the right; size-1 axes repeat). `a` and `b` share a dtype.
 * - `where` `(cond, a, b)`: `out[i] = cond[i'] != 0 ? a[i''] : b[i''']`, all three broadcast to
 *   `out.shape`; `cond` may have any dtype, `a`, `b` and the output share one.
 * - `broadcastTo` `(x)`: repeats `x` along size-1 (or missing leading) axes to `out.shape`.
 * - `reduce` `(x)`: reduces the (sorted, distinct) `axes` with `op`; `out.shape` is `x.shape`
 *   without those axes. A sum over no elements is 0; max/min over no elements is never asked for.
 * - `argReduce` `(x)`: index along `axis` of the first max (min) element; output dtype `int32`,
 *   `out.shape` is `x.shape` without `axis`.
 * - `matmul` `(a, b)`: `a` is `[ba, m, k]` (or `[ba, k, m]` if `transposeA`), `b` is `[bb, k, n]`
 *   (or `[bb, n, k]` if `transposeB`), with `ba` and `bb` equal or 1; `out` is `[max(ba, bb), m, n]`,
 *   `out[z, i, j] = sum_p A[z, i, p] * B[z, p, j]`.
 * - `conv2d` `(x, w)`: `x` `[n, h, w, cIn]`, `w` `[kh, kw, cIn, cOut]`;
 *   `out[b, i, j, o] = sum_{p, q, c} xp[b, i*sh + p*dh, j*sw + q*dw, c] * w[p, q, c, o]` where `xp`
 *   is `x` zero-padded by `padding`. `out` is `[n, oh, ow, cOut]`.
 * - `conv2dBackpropInput` `(dy, w)`: the adjoint of `conv2d` in `x`: given `dy` shaped like the
 *   conv output, returns `dx` of shape `out.shape` (the conv's input shape):
 *   `dx[b, y, x, c] = sum dy[b, i, j, o] * w[p, q, c, o]` over all `(i, j, p, q)` with
 *   `i*sh + p*dh - top = y` and `j*sw + q*dw - left = x`. This is the transposed convolution.
 * - `conv2dBackpropFilter` `(x, dy)`: the adjoint of `conv2d` in `w`:
 *   `dw[p, q, c, o] = sum_{b, i, j} xp[b, i*sh + p*dh, j*sw + q*dw, c] * dy[b, i, j, o]`;
 *   `out.shape` is the filter shape.
 * - `im2col` `(x)`: `x` `[n, h, w, c]` to the patch matrix `[n*oh*ow, kh*kw*c]`; row
 *   `(b*oh + i)*ow + j`, column `(p*kw + q)*c + ch` holds `xp[b, i*sh + p*dh, j*sw + q*dw, ch]`
 *   (0 in the padding). So `conv2d(x, w) = im2col(x) @ reshape(w, [kh*kw*cIn, cOut])`.
 * - `col2im` `(cols)`: the adjoint of `im2col`: scatters-adds each patch-matrix entry back to the
 *   input cell it came from (entries from the padding are dropped). `out.shape` is the image shape.
 * - `pool2d` `(x)`: `x` `[n, h, w, c]`; each output cell is the max (or mean) of its window.
 *   Padded cells are never the max; for `avg` they count in the divisor only when
 *   `countPadded`, otherwise the divisor is the number of real cells in the window.
 * - `maxPool2dBackward` `(x, dy)`: the VJP of max pooling: each `dy` cell is added to the input
 *   cell that won its window (ties to the first cell in row-major window order); overlapping
 *   windows add up. `out.shape` is `x.shape`.
 * - `avgPool2dBackward` `(dy)`: the VJP of average pooling: each `dy` cell is spread over its
 *   window's real cells, divided by the same divisor as the forward pass. `out.shape` is the
 *   input shape.
 * - `transpose` `(x)`: `out` axis `i` is `x` axis `perm[i]`.
 * - `slice` `(x)`: the block starting at `begin` of size `out.shape`.
 * - `pad` `(x)`: `x` surrounded by `value`, `paddings[i] = [before, after]` on axis `i`
 *   (non-negative).
 * - `concat` `(...xs)`: joins the inputs along `axis`; all other sizes agree.
 * - `cast` `(x)`: converts to `out.dtype` (float to int truncates toward zero).
 * - `oneHot` `(indices)`: `indices` is int32 `[...s]`; out is `[...s, depth]` with 1 at the index
 *   and 0 elsewhere (all zeros for an index outside `[0, depth)`), in `out.dtype`.
 */
export interface Primitives {
  /** Elementwise unary function. */
  unary: { inputs: 1; attrs: { readonly op: UnaryOp } };
  /** Elementwise binary function with broadcasting. */
  binary: { inputs: 2; attrs: { readonly op: BinaryOp } };
  /** Elementwise selection with broadcasting. */
  where: { inputs: 3; attrs: Record<never, never> };
  /** Broadcast to `out.shape`. */
  broadcastTo: { inputs: 1; attrs: Record<never, never> };
  /** Reduction over axes. */
  reduce: { inputs: 1; attrs: { readonly op: ReduceOp; readonly axes: readonly number[] } };
  /** Index of the max or min along one axis. */
  argReduce: { inputs: 1; attrs: { readonly op: ArgReduceOp; readonly axis: number } };
  /** Batched matrix product. */
  matmul: {
    inputs: 2;
    attrs: { readonly transposeA: boolean; readonly transposeB: boolean };
  };
  /** 2D convolution (cross-correlation), NHWC x HWIO. */
  conv2d: { inputs: 2; attrs: Conv2dGeometry };
  /** Gradient of `conv2d` with respect to its input (transposed convolution). */
  conv2dBackpropInput: { inputs: 2; attrs: Conv2dGeometry };
  /** Gradient of `conv2d` with respect to its filter. */
  conv2dBackpropFilter: { inputs: 2; attrs: Conv2dGeometry };
  /** Image patches to matrix rows. */
  im2col: {
    inputs: 1;
    attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] };
  };
  /** The adjoint of `im2col`. */
  col2im: {
    inputs: 1;
    attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] };
  };
  /** Max or average pooling. */
  pool2d: {
    inputs: 1;
    attrs: Pool2dGeometry & { readonly op: "max" | "avg"; readonly countPadded: boolean };
  };
  /** Gradient of max pooling. */
  maxPool2dBackward: { inputs: 2; attrs: Pool2dGeometry };
  /** Gradient of average pooling. */
  avgPool2dBackward: {
    inputs: 1;
    attrs: Pool2dGeometry & { readonly countPadded: boolean };
  };
  /** Axis permutation. */
  transpose: { inputs: 1; attrs: { readonly perm: readonly number[] } };
  /** A contiguous block. */
  slice: { inputs: 1; attrs: { readonly begin: readonly number[] } };
  /** Constant padding. */
  pad: {
    inputs: 1;
    attrs: {
      readonly paddings: readonly (readonly [number, number])[];
      readonly value: number;
    };
  };
  /** Concatenation along an axis. */
  concat: { inputs: -1; attrs: { readonly axis: number } };
  /** Dtype conversion. */
  cast: { inputs: 1; attrs: Record<never, never> };
  /** One-hot encoding of int32 indices. */
  oneHot: { inputs: 1; attrs: { readonly depth: number } };
}

/** The name of a primitive. */
export type PrimitiveName = keyof Primitives;

/** Every primitive name, for conformance tests that iterate over the table. */
export const PRIMITIVE_NAMES: readonly PrimitiveName[] = Object.freeze(
  [
    "unary",
    "binary",
    "where",
    "broadcastTo",
    "reduce",
    "argReduce",
    "matmul",
    "conv2d",
    "conv2dBackpropInput",
    "conv2dBackpropFilter",
    "im2col",
    "col2im",
    "pool2d",
    "maxPool2dBackward",
    "avgPool2dBackward",
    "transpose",
    "slice",
    "pad",
    "concat",
    "cast",
    "oneHot",
  ] as const satisfies readonly PrimitiveName[],
);

/** A tuple of `N` elements of type `T`. */
export type Tuple<N extends number, T, Acc extends T[] = []> = Acc["length"] extends N ? Acc
  : Tuple<N, T, [...Acc, T]>;

/** The inputs a kernel receives for primitive `P`: a fixed-length tuple, or an array for `-1`. */
export type KernelInputs<H, P extends PrimitiveName> = Primitives[P]["inputs"] extends -1
  ? readonly KTensor<H>[]
  : Readonly<Tuple<Primitives[P]["inputs"], KTensor<H>>>;

/** A kernel: computes the output data of primitive `P` into a new handle. */
export type Kernel<H, P extends PrimitiveName> = (
  inputs: KernelInputs<H, P>,
  attrs: Primitives[P]["attrs"],
  out: OutInfo,
) => H;

/** The kernels a backend provides: exactly one for every primitive of the table. */
export type Kernels<H> = { readonly [P in PrimitiveName]: Kernel<H, P> };

/**
 * The backend contract. `H` is the backend's data handle (a typed array for the scalar backend,
 * a GPU buffer for WebGPU). Handles are immutable once returned: no kernel writes into a handle it
 * did not just create. `Backend` without a type argument accepts any backend.
 */
// deno-lint-ignore no-explicit-any
export interface Backend<H = any> {
  /** A short name: `scalar`, `worker`, `webgpu`. */
  readonly name: string;
  /** The dtypes this backend can store and compute with. */
  readonly dtypes: readonly DType[];
  /** One kernel per primitive. */
  readonly kernels: Kernels<H>;
  /** Copies host data into a new handle. The backend must not keep a reference to `data`. */
  upload(data: TypedArray, shape: Shape, dtype: DType): H;
  /** Reads a handle back as a new typed array of `dtype` with `size` elements. */
  read(handle: H, dtype: DType, size: number): Promise<TypedArray>;
  /** Reads synchronously, where the backend can; absent otherwise. */
  readSync?(handle: H, dtype: DType, size: number): TypedArray;
  /**
   * Called once when no tensor refers to `handle` any more (from a `FinalizationRegistry` or an
   * explicit dispose), so pooled memory can be reused. Optional: garbage-collected backends omit it.
   */
  release?(handle: H): void;
}
