/**
 * Index arithmetic shared by the scalar kernels: sizes, row-major strides, broadcast strides, and
 * a strided walk that visits a shape one contiguous row at a time (so no kernel divides or takes
 * a modulo per element).
 * @module
 */

import { allocate, type DType, type TypedArray } from "../../core/dtype.ts";
import type { Shape } from "../../core/primitives.ts";
import { broadcastStrides, sizeOf, stridesOf } from "../../core/shape.ts";

export { broadcastStrides, sizeOf, stridesOf };

/**
 * A plan for walking a shape in row-major order one row at a time, where each of several operands
 * is read or written at its own strides. Size-1 axes are dropped and neighbouring axes merged
 * where every operand allows, so rows are as long as they can be.
 */
export interface Walk {
  /** The sizes of the (merged) axes outside the row. */
  readonly outer: readonly number[];
  /** Per operand, its stride along each outer axis. */
  readonly outerStrides: readonly (readonly number[])[];
  /** The length of one row (the merged innermost axis); 0 when the shape has no elements. */
  readonly rowLen: number;
  /** Per operand, its stride along the row. */
  readonly rowStrides: readonly number[];
}

/**
 * Plans a walk over `shape` with one stride list per operand (each as long as `shape`). The walk
 * visits the elements in row-major order; the `r`-th row starts at element `r * rowLen`.
 */
export function planWalk(shape: Shape, strides: readonly (readonly number[])[]): Walk {
  const k = strides.length;
  if (sizeOf(shape) === 0) {
    return {
      outer: [],
      outerStrides: strides.map(() => []),
      rowLen: 0,
      rowStrides: strides.map(() => 0),
    };
  }
  // Merged axes, innermost first: size and one stride per operand.
  const sizes: number[] = [];
  const merged: number[][] = [];
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (shape[ax] === 1) continue;
    const last = sizes.length - 1;
    let fits = last >= 0;
    for (let op = 0; fits && op < k; op++) {
      fits = strides[op][ax] === merged[last][op] * sizes[last];
    }
    if (fits) {
      sizes[last] *= shape[ax];
    } else {
      sizes.push(shape[ax]);
      merged.push(strides.map((s) => s[ax]));
    }
  }
  if (sizes.length === 0) {
    return {
      outer: [],
      outerStrides: strides.map(() => []),
      rowLen: 1,
      rowStrides: strides.map(() => 0),
    };
  }
  const outer = sizes.slice(1).reverse();
  const outerMerged = merged.slice(1).reverse();
  return {
    outer,
    outerStrides: strides.map((_, op) => outerMerged.map((m) => m[op])),
    rowLen: sizes[0],
    rowStrides: merged[0],
  };
}

/**
 * Calls `visit(r, offsets)` once per row of `walk`, in row-major order, where `offsets[op]` is
 * operand `op`'s offset at the row's first element (starting from `bases[op]`). The `offsets`
 * array is reused between calls: read it, do not keep it.
 */
export function forEachRow(
  walk: Walk,
  bases: readonly number[],
  visit: (r: number, offsets: readonly number[]) => void,
): void {
  if (walk.rowLen === 0) return;
  const { outer, outerStrides } = walk;
  const k = bases.length;
  const rank = outer.length;
  const offsets = bases.slice();
  const index = new Array<number>(rank).fill(0);
  const rows = sizeOf(outer);
  for (let r = 0; r < rows; r++) {
    visit(r, offsets);
    for (let ax = rank - 1; ax >= 0; ax--) {
      if (++index[ax] < outer[ax]) {
        for (let op = 0; op < k; op++) offsets[op] += outerStrides[op][ax];
        break;
      }
      index[ax] = 0;
      for (let op = 0; op < k; op++) offsets[op] -= outerStrides[op][ax] * (outer[ax] - 1);
    }
  }
}

/**
 * Copies `x` read at `strides` (one per axis of `shape`, starting at offset `base`) into a new
 * dense array of `dtype` shaped `shape`. Shared by `broadcastTo`, `transpose` and `slice`.
 */
export function gather(
  x: TypedArray,
  base: number,
  strides: readonly number[],
  shape: readonly number[],
  dtype: DType,
): TypedArray {
  const res = allocate(dtype, sizeOf(shape));
  const walk = planWalk(shape, [strides]);
  const s = walk.rowStrides[0];
  const n = walk.rowLen;
  forEachRow(walk, [base], (r, off) => {
    const o = r * n, i = off[0];
    for (let t = 0; t < n; t++) res[o + t] = x[i + t * s];
  });
  return res;
}
