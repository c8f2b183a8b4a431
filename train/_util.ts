/**
 * Argument checks shared by the training modules (private to `train/`).
 * @module
 */

import { show, Tensor } from "../core/mod.ts";

/** Throws a `TypeError` unless `value` is a live Tensor. */
export function checkTensor(op: string, arg: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(
      `${op}: ${arg} must be a Tensor, but got ${
        value === null ? "null" : Array.isArray(value) ? "an array" : typeof value
      }`,
    );
  }
  if (!value.isAlive) {
    throw new TypeError(`${op}: ${arg} was disposed (shape ${show(value.shape)})`);
  }
  return value;
}

/** Throws a `TypeError` unless `t` has a floating-point dtype. */
export function checkFloat(op: string, arg: string, t: Tensor): void {
  if (t.dtype === "int32") {
    throw new TypeError(
      `${op}: ${arg} must have a floating-point dtype (float32 or float64), but has int32`,
    );
  }
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless `value` is a finite number (TypeError) `>= min` (RangeError). */
export function checkNumber(
  op: string,
  arg: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  if (typeof value !== "number") {
    throw new TypeError(`${op}: ${arg} must be a number, but got ${show(value)}`);
  }
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  const low = min === undefined || (minExclusive ? value > min : value >= min);
  const high = max === undefined || (maxExclusive ? value < max : value <= max);
  if (!Number.isFinite(value) || !low || !high) {
    const lo = min === undefined ? "" : `${minExclusive ? ">" : ">="} ${min}`;
    const hi = max === undefined ? "" : `${maxExclusive ? "<" : "<="} ${max}`;
    const want = [lo, hi].filter((s) => s !== "").join(" and ");
    throw new RangeError(
      `${op}: ${arg} must be a finite number${want === "" ? "" : ` ${want}`}, but got ${value}`,
    );
  }
  return value;
}

/** Throws a `TypeError` unless `options` is an object (where options are required). */
export function checkOptions<T>(op: string, options: T): T {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${op}: options must be an object, but got ${show(options)}`);
  }
  return options;
}
