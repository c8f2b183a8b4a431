/**
 * Builders for the clear errors every op raises on bad input: the message names the op, the
 * argument, what was expected and what came.
 * @module
 */

/** Formats a value for an error message: shapes as `[2, 3]`, strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined) {
    return String(value);
  }
  if (value === null) return "null";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A `TypeError` for a shape, rank, dtype or type problem:
 * `conv2d: x must have rank 4 ([n, h, w, c]) but has shape [2, 3]`.
 */
export function typeError(op: string, arg: string, expected: string, got: string): TypeError {
  return new TypeError(`${op}: ${arg} ${expected}, but ${got}`);
}

/** A `RangeError` for a value out of its allowed range: `pool2d: stride must be >= 1, but got 0`. */
export function rangeError(op: string, arg: string, expected: string, got: string): RangeError {
  return new RangeError(`${op}: ${arg} ${expected}, but ${got}`);
}

/** Throws a `RangeError` unless `value` is an integer `>= min`. */
export function checkInt(op: string, arg: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw (typeof value === "number" ? rangeError : typeError)(
      op,
      arg,
      `must be an integer >= ${min}`,
      `got ${show(value)}`,
    );
  }
  if (value < min) throw rangeError(op, arg, `must be an integer >= ${min}`, `got ${value}`);
  return value;
}
