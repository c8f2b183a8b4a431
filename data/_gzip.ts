/**
 * Gzip decompression with a size cap, for readers of untrusted files (private to `data/`).
 * @module
 */

import { left, type Result, right } from "./result.ts";

/** True when `bytes` starts with the gzip magic number `0x1f 0x8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip `bytes` with the platform's `DecompressionStream`, stopping as soon as the
 * output passes `maxBytes` (so a zip bomb costs at most `maxBytes` of memory). The `Left` holds
 * a message without the op name.
 */
export async function gunzip(
  bytes: Uint8Array,
  maxBytes: number,
): Promise<Result<string, Uint8Array>> {
  const input = new Uint8Array(bytes); // a private copy on a plain ArrayBuffer
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      controller.enqueue(input);
      controller.close();
    },
  });
  const reader = source.pipeThrough(new DecompressionStream("gzip")).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return left(
          `the gzip data decompresses to more than the limit of ${maxBytes} bytes ` +
            `(options.maxBytes)`,
        );
      }
      chunks.push(value);
    }
  } catch (e) {
    return left(`the data starts like gzip (0x1f 0x8b) but is not valid gzip: ${messageOf(e)}`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return right(out);
}

/** Gzips `bytes` with the platform's `CompressionStream` (for writing `.gz` files and tests). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
