/**
 * The safetensors weight-file format (as written by Hugging Face's `safetensors` library and read
 * by PyTorch and JAX tools), with a strict reader for untrusted files.
 *
 * Layout: an unsigned 64-bit little-endian header size `N`; `N` bytes of UTF-8 JSON starting with
 * `{` (padded with spaces so that `8 + N` is a multiple of 8); then the data buffer. The JSON maps
 * each tensor name to `{ "dtype", "shape", "data_offsets": [begin, end] }` (byte offsets into the
 * data buffer, which holds each tensor little-endian and row-major), plus an optional
 * `"__metadata__"` object of string to string.
 * @module
 */

import type { DType, TypedArray } from "../core/dtype.ts";

/** A tensor held on the host: its dtype, its shape and its elements, row-major. */
export interface HostTensor {
  /** The element type. */
  readonly dtype: DType;
  /** The shape. */
  readonly shape: readonly number[];
  /** The elements, row-major: a `Float32Array`, `Float64Array` or `Int32Array` for the dtype. */
  readonly data: TypedArray;
}

/** The content of a safetensors file. */
export interface Safetensors {
  /** The tensors by name, in the order of the file's data buffer. */
  readonly tensors: Readonly<Record<string, HostTensor>>;
  /** The `__metadata__` entries (empty when the file has none). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** What a {@linkcode SafetensorsError} is about. */
export type SafetensorsErrorKind =
  | "header-size"
  | "header"
  | "entry"
  | "dtype"
  | "offsets"
  | "length";

/** A problem with the content of a safetensors file (not with the arguments of a call). */
export class SafetensorsError extends Error {
  /** What the problem is about: the header size, the JSON header, an entry, the offsets, ... */
  readonly kind: SafetensorsErrorKind;
  /** Creates an error of `kind` with `message`. */
  constructor(kind: SafetensorsErrorKind, message: string) {
    super(message);
    this.name = "SafetensorsError";
    this.kind = kind;
  }
}

/** The header-size limit of the reference reader: 100 MB. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
