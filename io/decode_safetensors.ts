/**
 * Reading safetensors files strictly, as untrusted input (see `safetensors.ts` for the layout).
 * @module
 */

import type { TypedArray } from "../core/dtype.ts";
import { checkInt } from "../core/errors.ts";
import { left, type Result, right } from "../data/result.ts";
import { brief, CODES, isPlainObject, OTHER_CODES } from "./_format.ts";
import {
  type HostTensor,
  type Safetensors,
  SAFETENSORS_MAX_HEADER_BYTES,
  SafetensorsError,
  type SafetensorsErrorKind,
} from "./safetensors.ts";

/** Options of {@linkcode decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** The largest JSON header accepted, in bytes. @default {100_000_000} */
  readonly maxHeaderBytes?: number;
}

type Decoded = Result<SafetensorsError, Safetensors>;

function fail(kind: SafetensorsErrorKind, message: string): Decoded {
  return left(new SafetensorsError(kind, `decodeSafetensors: ${message}`));
}

interface Entry {
  readonly name: string;
  readonly code: string;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Validates one header entry; returns it or the message of its problem. */
function parseEntry(name: string, value: unknown, bufferBytes: number): Entry | Decoded {
  const where = `tensor ${brief(name)}`;
  if (!isPlainObject(value)) {
    return fail(
      "entry",
      `${where} must be an object { dtype, shape, data_offsets }, but is ${brief(value)}`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") {
    return fail("entry", `${where} must have a string "dtype", but has ${brief(dtype)}`);
  }
  if (!Object.hasOwn(CODES, dtype)) {
    return fail(
      "dtype",
      OTHER_CODES.has(dtype)
        ? `${where} has dtype ${dtype}, which convkit does not read (it reads F32, F64 and I32)`
        : `${where} has the unknown dtype ${brief(dtype)}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    return fail("entry", `${where} must have a "shape" of integers >= 0, but has ${brief(shape)}`);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) ||
    offsets[0] > offsets[1]
  ) {
    return fail(
      "entry",
      `${where} must have "data_offsets" [begin, end] with integers 0 <= begin <= end, but has ${
        brief(offsets)
      }`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end > bufferBytes) {
    return fail(
      "offsets",
      `${where} has data_offsets [${begin}, ${end}] past the end of the data buffer, which holds ` +
        `${bufferBytes} bytes (truncated file?)`,
    );
  }
  const have = end - begin;
  let need = shape.includes(0) ? 0 : CODES[dtype].size;
  // Stops multiplying past 2^53, so `need` stays finite (and exact while it matters).
  for (const d of shape) if (need <= Number.MAX_SAFE_INTEGER) need *= d;
  if (need !== have) {
    return fail(
      "length",
      `${where} of dtype ${dtype} and shape ${brief(shape)} needs ${
        Number.isSafeInteger(need) ? need : "more than 2^53"
      } bytes, but its data_offsets [${begin}, ${end}] hold ${have}`,
    );
  }
  return { name, code: dtype, shape, begin, end };
}

/**
 * Decodes a safetensors file strictly, as the reference reader does: the header size must be at
 * most `maxHeaderBytes` and fit in the file; the header must be UTF-8 JSON starting with `{`;
 * every entry needs a known, supported dtype (F32, F64, I32), a shape of integers >= 0 and
 * `data_offsets` matching dtype size x elements; the entries must tile the data buffer exactly
 * (in bounds, contiguous, no gaps or overlaps, nothing after); `__metadata__` must map strings to
 * strings. Problems come back as a `Left` holding a {@linkcode SafetensorsError}; it never throws
 * for bad file content. The data is copied out of `bytes`.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@convkit/convkit/io";
 * import { tensor } from "@convkit/convkit";
 * const bytes = await encodeSafetensors({ w: tensor([1, 2]) });
 * const file = decodeSafetensors(bytes);
 * if (file._tag === "Right") file.right.tensors.w.data; // Float32Array [1, 2]
 * decodeSafetensors(bytes.subarray(0, 20))._tag; // "Left"
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions = {},
): Result<SafetensorsError, Safetensors> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `decodeSafetensors: bytes must be a Uint8Array, but got ${brief(bytes as unknown)}`,
    );
  }
  const maxHeader = checkInt(
    "decodeSafetensors",
    "options.maxHeaderBytes",
    options.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES,
    0,
  );
  if (bytes.length < 8) {
    return fail(
      "header-size",
      `a safetensors file starts with an 8-byte header size, but this one has only ` +
        `${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > maxHeader) {
    return fail(
      "header-size",
      `the header size is ${n} bytes, above the limit of ${maxHeader} (options.maxHeaderBytes)`,
    );
  }
  if (8 + n > bytes.length) {
    return fail(
      "header-size",
      `the header size is ${n} bytes, but only ${bytes.length - 8} bytes follow it (a truncated ` +
        `file or a wrong header size)`,
    );
  }
  if (n === 0 || bytes[8] !== 0x7b) {
    const got = n === 0 ? "it is empty" : `it starts with byte 0x${bytes[8].toString(16)}`;
    return fail("header", `the header must be a JSON object starting with "{", but ${got}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + n),
    );
  } catch {
    return fail("header", "the header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail("header", `the header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) return fail("header", "the header must be a JSON object");
  const bufferBytes = bytes.length - 8 - n;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const name of Object.keys(header)) {
    const value = header[name];
    if (name === "__metadata__") {
      if (value === null) continue;
      if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === "string")) {
        return fail(
          "header",
          `"__metadata__" must be an object of string values, but is ${brief(value)}`,
        );
      }
      metadata = Object.fromEntries(Object.entries(value)) as Record<string, string>;
      continue;
    }
    const entry = parseEntry(name, value, bufferBytes);
    if ("_tag" in entry) return entry;
    entries.push(entry);
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let next = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin !== next) {
      const after = previous === undefined
        ? "the data buffer starts at byte 0"
        : `the previous tensor ${brief(previous.name)} ends at byte ${next}`;
      return fail(
        "offsets",
        `tensor ${brief(e.name)} starts at byte ${e.begin}, but ${after}: offsets must ` +
          `be contiguous, with no ${e.begin > next ? "gap" : "overlap"}`,
      );
    }
    next = e.end;
    previous = e;
  }
  if (next !== bufferBytes) {
    return fail(
      "offsets",
      `the tensors cover ${next} bytes, but the data buffer holds ${bufferBytes}: ` +
        `${bufferBytes - next} bytes belong to no tensor`,
    );
  }
  const base = 8 + n;
  const tensors = Object.fromEntries(sorted.map((e) => [e.name, readTensor(view, base, e)]));
  return right({ tensors, metadata });
}

function readTensor(view: DataView, base: number, e: Entry): HostTensor {
  const { dtype, size } = CODES[e.code];
  const count = (e.end - e.begin) / size;
  const at = base + e.begin;
  let data: TypedArray;
  if (dtype === "float32") {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
  } else if (dtype === "float64") {
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, true);
  } else {
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getInt32(at + 4 * i, true);
  }
  return { dtype, shape: e.shape, data };
}
