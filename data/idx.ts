/**
 * The IDX format of the MNIST files (`train-images-idx3-ubyte` and friends), read as untrusted
 * input: every header field and the exact length are checked, and problems come back as a
 * {@linkcode Result} holding an {@linkcode IdxError} whose message says what was expected and
 * what the file holds.
 *
 * Layout: two zero bytes, a type byte (`0x08` ubyte, `0x09` byte, `0x0b` short, `0x0c` int,
 * `0x0d` float, `0x0e` double), the number of dimensions `d` (one byte), `d` big-endian uint32
 * sizes, then the elements, big-endian, row-major (the last dimension varies fastest).
 * @module
 */

import { checkInt, show } from "../core/errors.ts";
import { gunzip, isGzip } from "./_gzip.ts";
import { left, type Result, right } from "./result.ts";

/** The element type of an IDX file. */
export type IdxType = "ubyte" | "byte" | "short" | "int" | "float" | "double";

/** The typed array holding the elements of each {@linkcode IdxType}. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** The content of an IDX file: its element type, its shape and its elements in row-major order. */
export interface IdxArray {
  /** The element type. */
  readonly type: IdxType;
  /** The size of each dimension (1 to 4 dimensions, each at least 1). */
  readonly shape: readonly number[];
  /** The elements, row-major; its length is the product of `shape`. */
  readonly data: IdxData;
}

/** What an {@linkcode IdxError} is about. */
export type IdxErrorKind = "magic" | "type" | "rank" | "dimension" | "length" | "gzip" | "content";

/** A problem with the content of an IDX file (not with the arguments of a call). */
export class IdxError extends Error {
  /** What the problem is about: the magic number, the type byte, a length, ... */
  readonly kind: IdxErrorKind;
  /** Creates an error of `kind` with `message`. */
  constructor(kind: IdxErrorKind, message: string) {
    super(message);
    this.name = "IdxError";
    this.kind = kind;
  }
}

interface TypeInfo {
  readonly type: IdxType;
  readonly code: number;
  readonly size: number;
}

const TYPES: readonly TypeInfo[] = [
  { type: "ubyte", code: 0x08, size: 1 },
  { type: "byte", code: 0x09, size: 1 },
  { type: "short", code: 0x0b, size: 2 },
  { type: "int", code: 0x0c, size: 4 },
  { type: "float", code: 0x0d, size: 4 },
  { type: "double", code: 0x0e, size: 8 },
];

const hex = (b: number): string => `0x${b.toString(16).padStart(2, "0")}`;
const TYPE_LIST = TYPES.map((t) => `${hex(t.code)} (${t.type})`).join(", ");

/** The most dimensions an IDX file may have. */
export const IDX_MAX_RANK = 4;

/** Options of {@linkcode parseIdx}. */
export interface ParseIdxOptions {
  /** The most elements a file may declare (the product of its dimensions). @default {2 ** 31} */
  readonly maxElements?: number;
}

function fail(kind: IdxErrorKind, message: string): Result<IdxError, IdxArray> {
  return left(new IdxError(kind, `parseIdx: ${message}`));
}

function checkBytes(op: string, bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${op}: bytes must be a Uint8Array, but got ${describe(bytes)}`);
  }
  return bytes;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) return `a ${value.constructor?.name}`;
  return show(value);
}

/**
 * Parses the bytes of an uncompressed IDX file. Returns a `Left` holding an {@linkcode IdxError}
 * when the magic number, the type byte, the number of dimensions (1 to 4), a dimension (at
 * least 1; their product at most `maxElements`) or the total length (exactly header plus
 * elements: no truncation, no trailing bytes) is wrong, and for gzip data (use
 * {@linkcode readIdx}). The elements are copied out of `bytes`.
 *
 * @example
 * ```ts
 * import { encodeIdx, parseIdx } from "@convkit/convkit/data";
 * const bytes = encodeIdx({ type: "ubyte", shape: [2], data: new Uint8Array([3, 7]) });
 * const result = parseIdx(bytes);
 * if (result._tag === "Right") result.right.shape; // [2]
 * parseIdx(bytes.subarray(0, 9))._tag; // "Left": truncated
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  options: ParseIdxOptions = {},
): Result<IdxError, IdxArray> {
  checkBytes("parseIdx", bytes);
  const maxElements = checkInt(
    "parseIdx",
    "options.maxElements",
    options.maxElements ?? 2 ** 31,
    1,
  );
  if (bytes.length < 4) {
    return fail(
      "length",
      `an IDX file needs a 4-byte magic number, but has only ${bytes.length} bytes`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    if (isGzip(bytes)) {
      return fail("magic", "the data is gzip-compressed (0x1f 0x8b); readIdx() decompresses it");
    }
    return fail(
      "magic",
      `bad magic number: an IDX file starts with 0x00 0x00, but this one starts with ` +
        `${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  const info = TYPES.find((t) => t.code === bytes[2]);
  if (info === undefined) {
    return fail("type", `unknown element type ${hex(bytes[2])} (byte 2); expected ${TYPE_LIST}`);
  }
  const rank = bytes[3];
  if (rank < 1 || rank > IDX_MAX_RANK) {
    return fail(
      "rank",
      `the number of dimensions (byte 3) must be 1 to ${IDX_MAX_RANK}, but is ${rank}`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    return fail(
      "length",
      `truncated header: ${rank} dimensions need a ${headerBytes}-byte header, but the file has ` +
        `${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i);
    if (d === 0) {
      return fail("dimension", `dimension ${i} is 0; every dimension must be at least 1`);
    }
    shape.push(d);
    count *= d;
    if (count > maxElements) {
      return fail(
        "dimension",
        `the dimensions ${show(shape)}${i + 1 < rank ? "..." : ""} hold more than the limit of ` +
          `${maxElements} elements (options.maxElements)`,
      );
    }
  }
  const expected = headerBytes + count * info.size;
  if (bytes.length !== expected) {
    const diff = bytes.length < expected
      ? `${expected - bytes.length} bytes missing: truncated`
      : `${bytes.length - expected} trailing bytes`;
    return fail(
      "length",
      `the file must be exactly ${expected} bytes (a ${headerBytes}-byte header and ` +
        `${shape.join(" x ")} ${info.type} elements of ${info.size} byte${
          info.size > 1 ? "s" : ""
        }), but it has ` +
        `${bytes.length} bytes (${diff})`,
    );
  }
  return right({ type: info.type, shape, data: readElements(view, headerBytes, count, info.type) });
}

function readElements(view: DataView, at: number, n: number, type: IdxType): IdxData {
  switch (type) {
    case "ubyte":
      return new Uint8Array(view.buffer, view.byteOffset + at, n).slice();
    case "byte":
      return new Int8Array(view.buffer, view.byteOffset + at, n).slice();
    case "short": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i);
      return out;
    }
    case "int": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i);
      return out;
    }
    case "float": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i);
      return out;
    }
    case "double": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i);
      return out;
    }
  }
}

/** Options of {@linkcode readIdx} and {@linkcode readIdxFile}. */
export interface ReadIdxOptions extends ParseIdxOptions {
  /** The most bytes gzip data may decompress to (a zip-bomb guard). @default {2 ** 30} */
  readonly maxBytes?: number;
}

/**
 * Reads an IDX file from its bytes, raw or gzip-compressed (recognised by the gzip magic
 * number `0x1f 0x8b`, as in the official `*.gz` files). Gzip data is decompressed with
 * `DecompressionStream`, stopping with a `Left` as soon as the output passes `maxBytes`; invalid
 * gzip data is a `Left` too. Then as {@linkcode parseIdx}.
 *
 * @example
 * ```ts
 * import { encodeIdx, readIdx } from "@convkit/convkit/data";
 * const bytes = encodeIdx({ type: "ubyte", shape: [1, 2, 2], data: new Uint8Array(4) });
 * (await readIdx(bytes))._tag; // "Right"
 * ```
 */
export async function readIdx(
  bytes: Uint8Array,
  options: ReadIdxOptions = {},
): Promise<Result<IdxError, IdxArray>> {
  checkBytes("readIdx", bytes);
  const maxBytes = checkInt("readIdx", "options.maxBytes", options.maxBytes ?? 2 ** 30, 1);
  if (!isGzip(bytes)) return parseIdx(bytes, options);
  const raw = await gunzip(bytes, maxBytes);
  if (raw._tag === "Left") return left(new IdxError("gzip", `readIdx: ${raw.left}`));
  return parseIdx(raw.right, options);
}

/**
 * Reads an IDX file (raw or gzip) from `path` with `Deno.readFile` (needs `--allow-read` for
 * it), then as {@linkcode readIdx}; the error messages start with the path. Errors of the file
 * system itself (a missing file, no permission) are thrown as Deno raises them.
 *
 * @example
 * ```ts ignore
 * import { readIdxFile } from "@convkit/convkit/data";
 * const labels = await readIdxFile("t10k-labels-idx1-ubyte.gz");
 * ```
 */
export async function readIdxFile(
  path: string | URL,
  options: ReadIdxOptions = {},
): Promise<Result<IdxError, IdxArray>> {
  const result = await readIdx(await Deno.readFile(path), options);
  if (result._tag === "Right") return result;
  return left(new IdxError(result.left.kind, `${String(path)}: ${result.left.message}`));
}

/** What {@linkcode encodeIdx} accepts: like {@linkcode IdxArray}, with any array of numbers. */
export interface IdxInput {
  /** The element type to write. */
  readonly type: IdxType;
  /** The dimensions: 1 to 4 integers in `[1, 2^32)`. */
  readonly shape: readonly number[];
  /** The elements, row-major; integers in the type's range for the integer types. */
  readonly data: ArrayLike<number>;
}

const INT_RANGES: Partial<Record<IdxType, readonly [number, number]>> = {
  ubyte: [0, 255],
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
};

/**
 * Encodes `array` as an uncompressed IDX file (big-endian). Throws a `TypeError` for an unknown
 * type, a bad shape or a data length that does not match it, and a `RangeError` for an integer
 * element out of its type's range. Gzip the result with `CompressionStream("gzip")` if wanted.
 *
 * @example
 * ```ts
 * import { encodeIdx } from "@convkit/convkit/data";
 * encodeIdx({ type: "ubyte", shape: [2], data: [1, 2] });
 * // Uint8Array [0, 0, 8, 1, 0, 0, 0, 2, 1, 2]
 * ```
 */
export function encodeIdx(array: IdxInput): Uint8Array {
  const op = "encodeIdx";
  const info = TYPES.find((t) => t.type === array?.type);
  if (info === undefined) {
    throw new TypeError(
      `${op}: array.type must be one of ${TYPES.map((t) => `"${t.type}"`).join(", ")}, but got ` +
        show(array?.type),
    );
  }
  const { shape, data } = array;
  if (
    !Array.isArray(shape) || shape.length < 1 || shape.length > IDX_MAX_RANK ||
    !shape.every((d) => Number.isInteger(d) && d >= 1 && d < 2 ** 32)
  ) {
    throw new TypeError(
      `${op}: array.shape must be 1 to ${IDX_MAX_RANK} integers in [1, 2^32), but got ${
        show(shape)
      }`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data?.length !== count) {
    throw new TypeError(
      `${op}: array.data must hold ${count} elements (shape ${show(shape)}), but has ` +
        `${data?.length}`,
    );
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const range = INT_RANGES[info.type];
  for (let i = 0; i < count; i++) {
    const v = data[i];
    if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) {
      throw new RangeError(
        `${op}: array.data[${i}] must be an integer in [${range[0]}, ${range[1]}] for type ` +
          `"${info.type}", but is ${v}`,
      );
    }
    const at = header + i * info.size;
    switch (info.type) {
      case "ubyte":
        out[at] = v;
        break;
      case "byte":
        view.setInt8(at, v);
        break;
      case "short":
        view.setInt16(at, v);
        break;
      case "int":
        view.setInt32(at, v);
        break;
      case "float":
        view.setFloat32(at, v);
        break;
      case "double":
        view.setFloat64(at, v);
        break;
    }
  }
  return out;
}
