/**
 * Argument checks shared by the model builders.
 * @module
 */

import { rangeError, show, typeError } from "../core/mod.ts";

/** Checks a dropout rate: a number in `[0, 1)` (a `TypeError` or a `RangeError` otherwise). */
export function checkRate(op: string, arg: string, value: unknown): number {
  if (typeof value !== "number") {
    throw typeError(op, arg, "must be a number in [0, 1)", `got ${show(value)}`);
  }
  if (!(value >= 0 && value < 1)) {
    throw rangeError(op, arg, "must be in [0, 1) (the probability of dropping)", `got ${value}`);
  }
  return value;
}
