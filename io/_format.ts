/**
 * Tables and helpers shared by the safetensors encoder and decoder (private to `io/`).
 * @module
 */

import type { DType } from "../core/dtype.ts";

/** The dtypes convkit reads and writes, by their safetensors names. */
export const CODES: Readonly<Record<string, { dtype: DType; size: number; rank: number }>> = {
  F64: { dtype: "float64", size: 8, rank: 2 },
  F32: { dtype: "float32", size: 4, rank: 1 },
  I32: { dtype: "int32", size: 4, rank: 0 },
};
export const CODE_OF: Readonly<Record<DType, string>> = {
  float32: "F32",
  float64: "F64",
  int32: "I32",
};
/** Every other dtype of the format: recognised, but not supported. */
export const OTHER_CODES = new Set([
  "BOOL",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "F8_E8M0",
  "F4",
  "F6_E2M3",
  "F6_E3M2",
  "I16",
  "U16",
  "F16",
  "BF16",
  "U32",
  "I64",
  "U64",
  "C64",
]);

/** True for a plain object (`{}` or a null-prototype object), not an array or a class. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A short description of a decoded JSON value for an error message: strings cut to 40
 * characters, arrays to their first 8 items, objects to their first keys; never recursive, so
 * deeply nested or huge values from a hostile header cannot blow up the message or the stack.
 */
export function brief(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map((v) =>
      Array.isArray(v) ? "[...]" : typeof v === "object" && v !== null ? "{...}" : brief(v)
    );
    const more = value.length > 8 ? `, ... (${value.length} items)` : "";
    return `[${items.join(", ")}${more}]`;
  }
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 5).map((k) => brief(k)).join(", ");
    return `{${shown}${keys.length > 5 ? `, ... (${keys.length} keys)` : ""}}`;
  }
  return String(value);
}
