/**
 * GPU memory: the handle type and the buffer pool. Buffers come in size classes (256 bytes, then
 * quarter steps between powers of two); a released buffer waits in its class's free list for
 * the next allocation of that class, up to a byte cap beyond which it is destroyed. The pool
 * counts live bytes (held by tensors), their peak, pooled bytes and buffers created. Read-back
 * staging buffers are pooled the same way, apart.
 * @module
 */

import { LimitExceededError } from "./errors.ts";

/**
 * The WebGPU backend's data handle: a pooled GPU buffer holding 4-byte elements (float32 or
 * int32). Core code never looks inside; it is exported for typing `Backend<GpuHandle>`.
 */
export class GpuHandle {
  /** The GPU buffer; its size is the pool's size class, at least `byteLength`. */
  readonly buffer: GPUBuffer;
  /** The bytes the data uses: 4 per element (at least 4). */
  readonly byteLength: number;
  /** The buffer's real size in bytes (the pool's size class). */
  readonly capacity: number;
  /** True once the backend got it back through `release` (it must not be used after). */
  released: boolean = false;

  /** Wraps a buffer; for the backend only. */
  constructor(buffer: GPUBuffer, byteLength: number, capacity: number) {
    this.buffer = buffer;
    this.byteLength = byteLength;
    this.capacity = capacity;
  }
}

/** The internal name of the handle type. */
export type Buf = GpuHandle;

/** Usage of data buffers: STORAGE | COPY_DST | COPY_SRC. */
export const STORAGE_USAGE = 0x80 | 0x08 | 0x04;
/** Usage of read-back buffers: MAP_READ | COPY_DST. */
const STAGING_USAGE = 0x01 | 0x08;
/** The smallest size class. */
export const MIN_CLASS = 256;

/** The pool's size class of `bytes`: 256, then steps of a quarter power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  const base = 2 ** Math.floor(Math.log2(bytes));
  const step = base / 4;
  return base + Math.ceil((bytes - base) / step) * step;
}

/** The memory counters of {@linkcode BufferPool}. */
export interface MemoryCounters {
  /** Bytes held by live handles. */
  readonly liveBytes: number;
  /** The most `liveBytes` since creation or `resetPeak()`. */
  readonly peakBytes: number;
  /** Bytes waiting in the free lists. */
  readonly pooledBytes: number;
  /** Live handles. */
  readonly liveBuffers: number;
  /** Data buffers created (pool misses). */
  readonly buffersCreated: number;
}

/** Size-classed free lists of GPU buffers with live and peak accounting. */
export class BufferPool {
  #device: GPUDevice;
  #maxBufferSize: number;
  #maxPooled: number;
  #free = new Map<number, GPUBuffer[]>();
  #staging = new Map<number, GPUBuffer[]>();
  #live = 0;
  #peak = 0;
  #pooled = 0;
  #liveBuffers = 0;
  #created = 0;

  constructor(device: GPUDevice, maxBufferSize: number, maxPooledBytes: number) {
    this.#device = device;
    this.#maxBufferSize = maxBufferSize;
    this.#maxPooled = maxPooledBytes;
  }

  /** A handle of at least `bytes` bytes (contents undefined), from a free list when possible. */
  alloc(bytes: number): Buf {
    const need = Math.max(4, Math.ceil(bytes / 4) * 4);
    const max = this.#maxBufferSize;
    if (need > max) {
      throw new LimitExceededError(
        `webgpu: a tensor of ${bytes} bytes`,
        "maxBufferSize",
        need,
        max,
      );
    }
    let cap = sizeClass(need);
    if (cap > max) cap = need;
    let buffer = this.#free.get(cap)?.pop();
    if (buffer) {
      this.#pooled -= cap;
    } else {
      buffer = this.#device.createBuffer({ size: cap, usage: STORAGE_USAGE });
      this.#created++;
    }
    this.#live += cap;
    this.#liveBuffers++;
    if (this.#live > this.#peak) this.#peak = this.#live;
    return new GpuHandle(buffer, need, cap);
  }

  /**
   * Takes a handle back (idempotent). Its buffer joins the free list, or is destroyed when the
   * pool is full; with `dead` (the device is gone) it is only counted.
   */
  release(h: Buf, dead: boolean): void {
    if (h.released) return;
    h.released = true;
    this.#live -= h.capacity;
    this.#liveBuffers--;
    if (dead) return;
    if (this.#pooled + h.capacity > this.#maxPooled) {
      h.buffer.destroy();
      return;
    }
    push(this.#free, h.capacity, h.buffer);
    this.#pooled += h.capacity;
  }

  /** A mappable read-back buffer of size class `cap`. */
  takeStaging(cap: number): GPUBuffer {
    return this.#staging.get(cap)?.pop() ??
      this.#device.createBuffer({ size: cap, usage: STAGING_USAGE });
  }

  /** Returns an unmapped read-back buffer of size class `cap`. */
  returnStaging(cap: number, buffer: GPUBuffer): void {
    push(this.#staging, cap, buffer);
  }

  /** The counters. */
  counters(): MemoryCounters {
    return {
      liveBytes: this.#live,
      peakBytes: this.#peak,
      pooledBytes: this.#pooled,
      liveBuffers: this.#liveBuffers,
      buffersCreated: this.#created,
    };
  }

  /** Starts a new peak at the current live bytes. */
  resetPeak(): void {
    this.#peak = this.#live;
  }

  /** Empties the free lists, destroying their buffers unless the device is already gone. */
  drop(destroy: boolean): void {
    for (const lists of [this.#free, this.#staging]) {
      if (destroy) { for (const list of lists.values()) for (const b of list) b.destroy(); }
      lists.clear();
    }
    this.#pooled = 0;
  }
}

function push(lists: Map<number, GPUBuffer[]>, cap: number, buffer: GPUBuffer): void {
  let list = lists.get(cap);
  if (!list) lists.set(cap, list = []);
  list.push(buffer);
}
