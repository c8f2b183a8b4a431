/**
 * Writing safetensors files (see `safetensors.ts` for the layout).
 * @module
 */

import { show } from "../core/errors.ts";
import { Tensor } from "../core/tensor.ts";
import { CODE_OF, CODES, isPlainObject } from "./_format.ts";
import type { HostTensor } from "./safetensors.ts";

const utf8 = new TextEncoder();

function checkHost(op: string, name: string, value: HostTensor): void {
  const { dtype, shape, data } = value;
  const okShape = Array.isArray(shape) &&
    shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  const want = dtype === "float32"
    ? Float32Array
    : dtype === "float64"
    ? Float64Array
    : dtype === "int32"
    ? Int32Array
    : undefined;
  const size = okShape ? shape.reduce((a, b) => a * b, 1) : NaN;
  if (want === undefined || !okShape || !(data instanceof want) || data.length !== size) {
    throw new TypeError(
      `${op}: tensors[${JSON.stringify(name)}] must be a Tensor or { dtype, shape, data } with ` +
        `a typed array of the dtype holding the product of shape elements, but got dtype ` +
        `${show(dtype)}, shape ${show(shape)} and ${data?.constructor?.name} of length ` +
        `${data?.length}`,
    );
  }
}

/** Utf-8 byte order of names (the order of the reference writer). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Encodes `tensors` (Tensors, or host tensors as {@linkcode decodeSafetensors} returns them) and
 * optional string `metadata` as a safetensors file. Laid out as the reference writer does: the
 * tensors grouped by dtype (F64, then F32, then I32, so each starts at a multiple of its element
 * size), by name (UTF-8 byte order) within a group, in that order in both the header and the data
 * buffer; `__metadata__` first with its keys sorted; compact JSON padded with spaces to a multiple
 * of 8 bytes. Throws a `TypeError` for a name `"__metadata__"`, a value that is not a tensor or a
 * metadata value that is not a string.
 *
 * @example
 * ```ts
 * import { encodeSafetensors } from "@convkit/convkit/io";
 * import { tensor } from "@convkit/convkit";
 * const bytes = await encodeSafetensors({ w: tensor([1, 2]) }, { epoch: "3" });
 * bytes.length; // 8 + 88 + 8
 * ```
 */
export async function encodeSafetensors(
  tensors: Record<string, Tensor | HostTensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const op = "encodeSafetensors";
  if (!isPlainObject(tensors)) {
    throw new TypeError(
      `${op}: tensors must be a plain object of name -> tensor, but got ${show(tensors)}`,
    );
  }
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) {
      throw new TypeError(
        `${op}: metadata must be a plain object of strings, but got ${show(metadata)}`,
      );
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") {
        throw new TypeError(
          `${op}: metadata[${JSON.stringify(k)}] must be a string, but got ${show(v)}`,
        );
      }
    }
  }
  const entries: { name: string; key: Uint8Array; host: HostTensor }[] = [];
  for (const [name, value] of Object.entries(tensors)) {
    if (name === "__metadata__") {
      throw new TypeError(
        `${op}: a tensor must not be named "__metadata__" (reserved by the format)`,
      );
    }
    let host: HostTensor;
    if (value instanceof Tensor) {
      host = { dtype: value.dtype, shape: value.shape, data: await value.data() };
    } else {
      checkHost(op, name, value);
      host = value;
    }
    entries.push({ name, key: utf8.encode(name), host });
  }
  entries.sort((a, b) =>
    CODES[CODE_OF[b.host.dtype]].rank - CODES[CODE_OF[a.host.dtype]].rank ||
    compareBytes(a.key, b.key)
  );
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    const sorted = Object.keys(metadata).sort((a, b) =>
      compareBytes(utf8.encode(a), utf8.encode(b))
    );
    header.__metadata__ = Object.fromEntries(sorted.map((k) => [k, metadata[k]]));
  }
  let offset = 0;
  for (const { name, host } of entries) {
    const bytes = host.data.length * CODES[CODE_OF[host.dtype]].size;
    Object.defineProperty(header, name, {
      value: {
        dtype: CODE_OF[host.dtype],
        shape: [...host.shape],
        data_offsets: [offset, offset + bytes],
      },
      enumerable: true,
    });
    offset += bytes;
  }
  const json = utf8.encode(JSON.stringify(header));
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const { host } of entries) {
    const d = host.data;
    if (host.dtype === "float32") {
      for (let i = 0; i < d.length; i++) view.setFloat32(at + 4 * i, d[i], true);
    } else if (host.dtype === "float64") {
      for (let i = 0; i < d.length; i++) view.setFloat64(at + 8 * i, d[i], true);
    } else for (let i = 0; i < d.length; i++) view.setInt32(at + 4 * i, d[i], true);
    at += d.length * CODES[CODE_OF[host.dtype]].size;
  }
  return out;
}
