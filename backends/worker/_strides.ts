/**
 * Index arithmetic for the planners (main thread): sizes, row-major strides, broadcast strides,
 * and a walk plan that visits a shape one contiguous row at a time with merged axes. The tiles
 * receive the plan as plain data and walk any range of it (`forRange` in `_helpers.ts`).
 * @module
 */

import type { Shape } from "../../core/primitives.ts";
import { broadcastStrides, sizeOf, stridesOf } from "../../core/shape.ts";

export { broadcastStrides, sizeOf, stridesOf };

/**
 * A walk over a shape in row-major order, one row at a time, each operand at its own strides,
 * with size-1 axes dropped and neighbouring axes merged where every operand allows.
 */
export interface Walk {
  /** The sizes of the merged axes outside the row. */
  readonly outer: number[];
  /** Per operand, its stride along each outer axis. */
  readonly outerStrides: number[][];
  /** The length of one row; 0 when the shape has no elements. */
  readonly rowLen: number;
  /** Per operand, its stride along the row. */
  readonly rowStrides: number[];
}

/** Plans a walk over `shape` with one stride list per operand (each as long as `shape`). */
export function planWalk(shape: Shape, strides: readonly (readonly number[])[]): Walk {
  const k = strides.length;
  const empty = (rowLen: number): Walk => ({
    outer: [],
    outerStrides: strides.map(() => []),
    rowLen,
    rowStrides: strides.map(() => 0),
  });
  if (sizeOf(shape) === 0) return empty(0);
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
  if (sizes.length === 0) return empty(1);
  const outerMerged = merged.slice(1).reverse();
  return {
    outer: sizes.slice(1).reverse(),
    outerStrides: strides.map((_, op) => outerMerged.map((m) => m[op])),
    rowLen: sizes[0],
    rowStrides: merged[0],
  };
}

/**
 * Tile boundaries: splits `units` units (each `unitSize` output elements, each worth `unitWork`)
 * into at most `maxTiles` contiguous tiles of at least `minWork` work, as element offsets
 * `[0, ..., units * unitSize]`.
 */
export function tileStarts(
  units: number,
  unitSize: number,
  unitWork: number,
  maxTiles: number,
  minWork: number,
): number[] {
  const byWork = Math.floor((units * unitWork) / Math.max(1, minWork));
  const tiles = Math.max(1, Math.min(units, maxTiles, byWork));
  const starts: number[] = [];
  for (let t = 0; t <= tiles; t++) starts.push(Math.round((t * units) / tiles) * unitSize);
  return starts;
}
