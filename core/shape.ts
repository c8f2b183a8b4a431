/**
 * Shape algebra: sizes, strides, broadcasting, reshape inference, axes, permutations, slices,
 * concatenation, padding and flattening. Pure functions on plain number arrays; the ones that take
 * an `op` validate their input and throw a `TypeError` or `RangeError` naming that op.
 * @module
 */

import { checkInt, rangeError, show, typeError } from "./errors.ts";
import type { Shape } from "./primitives.ts";

/**
 * The number of elements of a tensor with this shape: the product of its sizes (1 for `[]`).
 *
 * @example
 * ```ts
 * import { sizeOf } from "@convkit/convkit/core";
 * sizeOf([2, 3, 4]); // 24
 * ```
 */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/**
 * The row-major element strides of a shape: how far apart in the flat data two neighbours along
 * each axis are. The last axis has stride 1.
 *
 * @example
 * ```ts
 * import { stridesOf } from "@convkit/convkit/core";
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * The strides, one per axis of `outShape`, that read a dense `shape` broadcast to `outShape`
 * (ranks aligned on the right): 0 on a missing or size-1 axis, the row-major stride otherwise.
 *
 * @example
 * ```ts
 * import { broadcastStrides } from "@convkit/convkit/core";
 * broadcastStrides([3, 1], [2, 3, 4]); // [0, 1, 0]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]));
}

/** True when `value` is a number that is an integer (any sign). */
function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/**
 * Checks that `shape` is an array of non-negative safe integers and returns a copy.
 * Throws a `TypeError` for a non-array or a non-integer entry, a `RangeError` for a negative one.
 *
 * @example
 * ```ts
 * import { checkShape } from "@convkit/convkit/core";
 * checkShape("zeros", "shape", [2, 3]); // [2, 3]
 * ```
 */
export function checkShape(op: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw typeError(op, arg, "must be an array of non-negative integers", `got ${show(shape)}`);
  }
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    const name = `${arg}[${i}]`;
    if (!isInt(d)) throw typeError(op, name, "must be a non-negative integer", `got ${show(d)}`);
    if (d < 0) throw rangeError(op, name, "must be a non-negative integer", `got ${d}`);
    if (!Number.isSafeInteger(d)) {
      throw rangeError(op, name, `must be at most ${Number.MAX_SAFE_INTEGER}`, `got ${d}`);
    }
    out[i] = d;
  }
  return out;
}

/** True when the two shapes have the same rank and the same size on every axis. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The shape that `a` and `b` broadcast to under NumPy rules: ranks are aligned on the right, and
 * on each axis the sizes must be equal or one of them 1 (a missing leading axis counts as 1).
 * Throws a `TypeError` naming the first axis (counted from the end) where they disagree.
 *
 * @example
 * ```ts
 * import { broadcastShapes } from "@convkit/convkit/core";
 * broadcastShapes("add", [2, 1, 4], [3, 1]); // [2, 3, 4]
 * ```
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let k = 1; k <= rank; k++) {
    const da = k <= a.length ? a[a.length - k] : 1;
    const db = k <= b.length ? b[b.length - k] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new TypeError(
        `${op}: shapes ${show(a)} and ${show(b)} do not broadcast (axis -${k}: ${da} vs ${db})`,
      );
    }
    out[rank - k] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Given a shape `from` that was broadcast to `to`, the axes of `to` to sum over (then reshape to
 * `from`) to undo the broadcast: the leading axes `from` lacks, and the axes where `from` has size
 * 1 and `to` another size. Sorted ascending. This is how a binary op's VJP reduces its gradient.
 *
 * @example
 * ```ts
 * import { broadcastReductionAxes } from "@convkit/convkit/core";
 * broadcastReductionAxes([3, 1], [2, 3, 4]); // [0, 2]
 * ```
 */
export function broadcastReductionAxes(from: Shape, to: Shape): number[] {
  const lead = to.length - from.length;
  const fail = (): TypeError =>
    new TypeError(`broadcastReductionAxes: shape ${show(from)} does not broadcast to ${show(to)}`);
  if (lead < 0) throw fail();
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  for (let i = 0; i < from.length; i++) {
    const f = from[i];
    const t = to[lead + i];
    if (f === t) continue;
    if (f !== 1) throw fail();
    axes.push(lead + i);
  }
  return axes;
}

/**
 * Resolves the target shape of a reshape of a tensor shaped `shape`: at most one entry of
 * `newShape` may be -1, and it is inferred so the element count is unchanged. Throws a `TypeError`
 * when the sizes cannot match (naming both) and a `RangeError` for negative entries other than -1.
 *
 * @example
 * ```ts
 * import { inferReshape } from "@convkit/convkit/core";
 * inferReshape("reshape", [3, 4], [2, -1]); // [2, 6]
 * ```
 */
export function inferReshape(op: string, shape: Shape, newShape: readonly number[]): number[] {
  if (!Array.isArray(newShape)) {
    throw typeError(op, "newShape", "must be an array of integers", `got ${show(newShape)}`);
  }
  const size = sizeOf(shape);
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < newShape.length; i++) {
    const d: unknown = newShape[i];
    if (!isInt(d)) {
      throw typeError(
        op,
        `newShape[${i}]`,
        "must be a non-negative integer or -1",
        `got ${show(d)}`,
      );
    }
    if (d === -1) {
      if (inferred >= 0) {
        throw new RangeError(
          `${op}: newShape ${
            show(newShape)
          } has more than one -1 (at most one size can be inferred)`,
        );
      }
      inferred = i;
    } else if (d < 0) {
      throw rangeError(op, `newShape[${i}]`, "must be a non-negative integer or -1", `got ${d}`);
    } else {
      known *= d;
    }
  }
  const out = newShape.slice();
  if (inferred < 0) {
    if (known !== size) {
      throw new TypeError(
        `${op}: newShape ${show(newShape)} has ${known} elements, but shape ${
          show(shape)
        } has ${size}`,
      );
    }
    return out;
  }
  if (known === 0) {
    throw new TypeError(
      `${op}: newShape ${show(newShape)} cannot infer -1 for ${size} elements ` +
        `(the other sizes multiply to 0)`,
    );
  }
  if (size % known !== 0) {
    throw new TypeError(
      `${op}: newShape ${show(newShape)} cannot hold ${size} elements ` +
        `(size must be a multiple of ${known})`,
    );
  }
  out[inferred] = size / known;
  return out;
}

/**
 * Normalises an axis index for a tensor of rank `rank`: negative values count from the end, so
 * the result is in `0..rank-1`. Throws a `TypeError` for a non-integer and a `RangeError` when the
 * axis is outside `-rank..rank-1`.
 *
 * @example
 * ```ts
 * import { normalizeAxis } from "@convkit/convkit/core";
 * normalizeAxis("sum", "axis", -1, 3); // 2
 * ```
 */
export function normalizeAxis(op: string, arg: string, axis: number, rank: number): number {
  if (!isInt(axis)) throw typeError(op, arg, "must be an integer", `got ${show(axis)}`);
  if (axis < -rank || axis >= rank) {
    const expected = rank === 0
      ? "a tensor of rank 0 has no axes"
      : `expected ${-rank}..${rank - 1}`;
    throw new RangeError(`${op}: ${arg} ${axis} is out of range for rank ${rank} (${expected})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises the axes a reduction works on: `undefined` means every axis, a number one axis, an
 * array several. Returns them normalised (see `normalizeAxis`), distinct and sorted ascending.
 * Throws a `RangeError` when an axis appears twice.
 *
 * @example
 * ```ts
 * import { normalizeAxes } from "@convkit/convkit/core";
 * normalizeAxes("sum", [-1, 0], 3); // [0, 2]
 * ```
 */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes === "number") return [normalizeAxis(op, "axis", axes, rank)];
  if (!Array.isArray(axes)) {
    throw typeError(op, "axes", "must be an integer or an array of integers", `got ${show(axes)}`);
  }
  const out = axes.map((a, i) => normalizeAxis(op, `axes[${i}]`, a, rank));
  out.sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) {
      throw new RangeError(
        `${op}: axes ${show(axes)} name axis ${out[i]} more than once (axes must be distinct)`,
      );
    }
  }
  return out;
}

/**
 * Checks an axis permutation for a tensor of rank `rank`: `undefined` means the reversed axes;
 * otherwise it must be a permutation of `0..rank-1` (no negative axes). Returns a copy.
 * Throws a `TypeError` for a wrong length or non-integers, a `RangeError` for an axis out of range
 * or repeated.
 *
 * @example
 * ```ts
 * import { checkPerm } from "@convkit/convkit/core";
 * checkPerm("transpose", undefined, 3); // [2, 1, 0]
 * ```
 */
export function checkPerm(op: string, perm: readonly number[] | undefined, rank: number): number[] {
  if (perm === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const want = `must be a permutation of 0..${rank - 1}`;
  if (!Array.isArray(perm)) throw typeError(op, "perm", want, `got ${show(perm)}`);
  if (perm.length !== rank) {
    throw typeError(
      op,
      "perm",
      `must have ${rank} entries (one per axis)`,
      `${show(perm)} has ${perm.length}`,
    );
  }
  const seen = new Array<boolean>(rank).fill(false);
  for (let i = 0; i < rank; i++) {
    const p: unknown = perm[i];
    if (!isInt(p)) throw typeError(op, `perm[${i}]`, "must be an integer", `got ${show(p)}`);
    if (p < 0 || p >= rank) throw rangeError(op, "perm", want, `got ${show(perm)}`);
    if (seen[p]) {
      throw rangeError(op, "perm", want, `${show(perm)} repeats axis ${p}`);
    }
    seen[p] = true;
  }
  return perm.slice();
}

/**
 * The shape after permuting axes: axis `i` of the result is axis `perm[i]` of `shape`.
 *
 * @example
 * ```ts
 * import { permuteShape } from "@convkit/convkit/core";
 * permuteShape([2, 3, 4], [2, 0, 1]); // [4, 2, 3]
 * ```
 */
export function permuteShape(shape: Shape, perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]);
}

/**
 * The inverse permutation: transposing by `perm` and then by `inversePerm(perm)` is the identity.
 *
 * @example
 * ```ts
 * import { inversePerm } from "@convkit/convkit/core";
 * inversePerm([2, 0, 1]); // [1, 2, 0]
 * ```
 */
export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
  return inv;
}

/**
 * Resolves a slice of a tensor shaped `shape`: `begin` has one start per axis (negative counts
 * from the end); `size` one length per axis, where -1 (or omitting `size`) means "to the end".
 * Returns explicit non-negative `begin` and `size`. Throws a `TypeError` for wrong lengths or
 * non-integers and a `RangeError` (naming the axis) for a slice outside the tensor.
 *
 * @example
 * ```ts
 * import { resolveSlice } from "@convkit/convkit/core";
 * resolveSlice("slice", [4, 5], [1, -2], [2, -1]); // { begin: [1, 3], size: [2, 2] }
 * ```
 */
export function resolveSlice(
  op: string,
  shape: Shape,
  begin: readonly number[],
  size?: readonly number[],
): { begin: number[]; size: number[] } {
  const rank = shape.length;
  const checkList = (arg: string, list: unknown): readonly unknown[] => {
    if (!Array.isArray(list)) {
      throw typeError(op, arg, `must be an array of ${rank} integers`, `got ${show(list)}`);
    }
    if (list.length !== rank) {
      throw typeError(
        op,
        arg,
        `must have ${rank} entries (one per axis of shape ${show(shape)})`,
        `${show(list)} has ${list.length}`,
      );
    }
    list.forEach((v: unknown, i) => {
      if (!isInt(v)) throw typeError(op, `${arg}[${i}]`, "must be an integer", `got ${show(v)}`);
    });
    return list;
  };
  const b = checkList("begin", begin) as readonly number[];
  const s = size === undefined ? undefined : checkList("size", size) as readonly number[];
  const outBegin = new Array<number>(rank);
  const outSize = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const dim = shape[i];
    if (b[i] < -dim || b[i] > dim) {
      throw rangeError(
        op,
        `begin[${i}]`,
        `must be in ${-dim}..${dim} for axis ${i} of size ${dim}`,
        `got ${b[i]}`,
      );
    }
    const start = b[i] < 0 ? b[i] + dim : b[i];
    const len = s === undefined || s[i] === -1 ? dim - start : s[i];
    if (len < 0) {
      throw rangeError(op, `size[${i}]`, "must be a non-negative integer or -1", `got ${len}`);
    }
    if (start + len > dim) {
      throw rangeError(
        op,
        `size[${i}]`,
        `must fit in axis ${i} of size ${dim} from begin ${start}`,
        `got ${len}`,
      );
    }
    outBegin[i] = start;
    outSize[i] = len;
  }
  return { begin: outBegin, size: outSize };
}

/**
 * The shape of the concatenation of tensors shaped `shapes` along `axis` (negative counts from
 * the end). Needs at least one input; all inputs must have the same rank and agree on every other
 * axis, else a `TypeError` names the input and the axis.
 *
 * @example
 * ```ts
 * import { concatShape } from "@convkit/convkit/core";
 * concatShape("concat", [[2, 3], [2, 5]], -1); // [2, 8]
 * ```
 */
export function concatShape(op: string, shapes: readonly Shape[], axis: number): number[] {
  if (!Array.isArray(shapes) || shapes.length === 0) {
    throw typeError(op, "inputs", "must hold at least one tensor", `got ${show(shapes)}`);
  }
  const first = shapes[0];
  const ax = normalizeAxis(op, "axis", axis, first.length);
  const out = first.slice();
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    if (s.length !== first.length) {
      throw typeError(
        op,
        `input ${i}`,
        `must have rank ${first.length} like input 0 ${show(first)}`,
        `has shape ${show(s)}`,
      );
    }
    for (let j = 0; j < s.length; j++) {
      if (j !== ax && s[j] !== first[j]) {
        throw typeError(
          op,
          `input ${i}`,
          `must match input 0 ${show(first)} on every axis but ${ax}`,
          `has shape ${show(s)} (axis ${j}: ${s[j]} vs ${first[j]})`,
        );
      }
    }
    out[ax] += s[ax];
  }
  return out;
}

/**
 * The shape after padding: `paddings` holds one `[before, after]` pair of non-negative integers
 * per axis, and each axis grows by `before + after`.
 *
 * @example
 * ```ts
 * import { padShape } from "@convkit/convkit/core";
 * padShape("pad", [2, 3], [[1, 1], [0, 2]]); // [4, 5]
 * ```
 */
export function padShape(
  op: string,
  shape: Shape,
  paddings: readonly (readonly [number, number])[],
): number[] {
  const want = `must hold ${shape.length} [before, after] pairs (one per axis of ${show(shape)})`;
  if (!Array.isArray(paddings) || paddings.length !== shape.length) {
    throw typeError(op, "paddings", want, `got ${show(paddings)}`);
  }
  return shape.map((d, i) => {
    const pair: unknown = paddings[i];
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw typeError(op, `paddings[${i}]`, "must be a [before, after] pair", `got ${show(pair)}`);
    }
    const before = checkInt(op, `paddings[${i}][0]`, pair[0], 0);
    const after = checkInt(op, `paddings[${i}][1]`, pair[1], 0);
    return d + before + after;
  });
}

/**
 * The shape after merging axes `startAxis..endAxis` (inclusive, negative counting from the end)
 * into one, like `torch.flatten`. A rank-0 shape flattens to `[1]`. Throws a `RangeError` when
 * `startAxis` comes after `endAxis`.
 *
 * @example
 * ```ts
 * import { flattenShape } from "@convkit/convkit/core";
 * flattenShape("flatten", [2, 3, 4, 5], 1); // [2, 60]
 * ```
 */
export function flattenShape(op: string, shape: Shape, startAxis = 0, endAxis = -1): number[] {
  if (shape.length === 0) {
    // Like torch: only the axes 0 and -1 exist for a scalar.
    normalizeAxis(op, "startAxis", startAxis, 1);
    normalizeAxis(op, "endAxis", endAxis, 1);
    return [1];
  }
  const start = normalizeAxis(op, "startAxis", startAxis, shape.length);
  const end = normalizeAxis(op, "endAxis", endAxis, shape.length);
  if (start > end) {
    throw new RangeError(
      `${op}: startAxis ${startAxis} (axis ${start}) comes after endAxis ${endAxis} (axis ${end})`,
    );
  }
  return [...shape.slice(0, start), sizeOf(shape.slice(start, end + 1)), ...shape.slice(end + 1)];
}
