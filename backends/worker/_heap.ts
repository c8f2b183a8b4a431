/**
 * The backend's memory: one `WebAssembly.Memory` (shared with the workers when
 * `SharedArrayBuffer` is available) and a simple allocator over it. Blocks come in size classes
 * (four per power of two, multiples of 64 bytes, 64-byte aligned); freed blocks go to a free list
 * per class and are reused first, so a training loop that allocates the same shapes each step
 * stops growing the memory after its first steps. A memory can only grow, never shrink.
 * @module
 */

import type { DType } from "../../core/dtype.ts";
import { MAX_PAGES } from "./_kernels.ts";
import type { Views } from "./_types.ts";

const PAGE = 65536;
/** Bytes kept free above the highest block, so vector loads just past a block stay in memory. */
const SLACK = 64;

/** The size class (in bytes) that holds `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  const base = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = Math.max(64, base / 4);
  return Math.ceil(bytes / step) * step;
}

/** A block of the heap. */
export interface Block {
  /** Byte address. */
  readonly ptr: number;
  /** Size in bytes (the size class). */
  readonly size: number;
}

/** The memory and its allocator. */
export class Heap {
  /** The memory (shared when `shared`). */
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared with workers. */
  readonly shared: boolean;
  #top = 1024;
  #inUse = 0;
  readonly #free = new Map<number, number[]>();
  #views: Views | undefined;

  /** A heap over a new memory, shared if `shared` (which throws where that is unavailable). */
  constructor(shared: boolean) {
    this.shared = shared;
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared });
  }

  /** Bytes in live blocks. */
  get bytesInUse(): number {
    return this.#inUse;
  }

  /** Bytes of memory reserved so far (the memory's size). */
  get bytesReserved(): number {
    return this.memory.buffer.byteLength;
  }

  /** Allocates a block of at least `bytes` bytes (contents unspecified). */
  alloc(bytes: number): Block {
    const size = sizeClass(bytes);
    this.#inUse += size;
    const list = this.#free.get(size);
    if (list !== undefined && list.length > 0) return { ptr: list.pop()!, size };
    const ptr = this.#top;
    const need = ptr + size + SLACK;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      const pages = Math.ceil((need - have) / PAGE);
      const grow = Math.min(Math.max(pages, Math.ceil(have / PAGE / 2)), MAX_PAGES - have / PAGE);
      if (grow < pages) {
        this.#inUse -= size;
        throw new RangeError(
          `worker backend: out of memory: a block of ${bytes} bytes does not fit in the ` +
            `${MAX_PAGES / 16} MiB limit (${this.#inUse} bytes in use)`,
        );
      }
      this.memory.grow(grow);
      this.#views = undefined;
    }
    this.#top = ptr + size;
    return { ptr, size };
  }

  /** Returns a block to its free list. */
  free(block: Block): void {
    this.#inUse -= block.size;
    let list = this.#free.get(block.size);
    if (list === undefined) {
      list = [];
      this.#free.set(block.size, list);
    }
    list.push(block.ptr);
  }

  /** Views over the whole memory, current as of the call. */
  views(): Views {
    const buf = this.memory.buffer;
    let v = this.#views;
    if (v === undefined || v.u8.buffer !== buf || v.u8.byteLength !== buf.byteLength) {
      v = {
        f32: new Float32Array(buf),
        f64: new Float64Array(buf),
        i32: new Int32Array(buf),
        u8: new Uint8Array(buf),
      };
      this.#views = v;
    }
    return v;
  }

  /** A typed array of `dtype` with `n` elements at `ptr`. */
  view(dtype: DType, ptr: number, n: number): Float32Array | Float64Array | Int32Array {
    const buf = this.memory.buffer;
    if (dtype === "float32") return new Float32Array(buf, ptr, n);
    if (dtype === "float64") return new Float64Array(buf, ptr, n);
    return new Int32Array(buf, ptr, n);
  }
}
