/**
 * The device context every kernel runs through: the effective limits, memory (through the
 * buffer pool of `_memory.ts`), the pipeline cache, one-dispatch-per-submit execution with parameters in a small
 * storage buffer, workgroup counts split over three dimensions and chunked dispatches, and
 * device-loss and error bookkeeping.
 *
 * Ordering: every dispatch is its own `queue.submit`, preceded by a `queue.writeBuffer` of its
 * parameters. WebGPU runs queue operations in order, so a parameter buffer, a temporary or a
 * released buffer can be reused by the very next call without waiting for the GPU.
 * @module
 */

import type { DType } from "../../core/dtype.ts";
import { DeviceLostError, GpuOperationError, LimitExceededError } from "./errors.ts";
import { type Buf, BufferPool, MIN_CLASS, sizeClass, STORAGE_USAGE } from "./_memory.ts";

export { type Buf, GpuHandle } from "./_memory.ts";

/** GPUMapMode.READ. */
const MAP_READ = 1;

/** The limits the backend plans its work with (the device's, or lower ones given for testing). */
export interface WorkLimits {
  /** Largest byte size of one storage-buffer binding. */
  readonly maxStorageBufferBindingSize: number;
  /** Largest buffer in bytes. */
  readonly maxBufferSize: number;
  /** Largest workgroup count in one dispatch dimension. */
  readonly maxComputeWorkgroupsPerDimension: number;
  /** Largest workgroup (invocations). */
  readonly maxComputeInvocationsPerWorkgroup: number;
  /** Largest workgroup memory in bytes. */
  readonly maxComputeWorkgroupStorageSize: number;
  /** Most storage buffers one shader may bind. */
  readonly maxStorageBuffersPerShaderStage: number;
  /** Byte alignment of a binding's offset. */
  readonly minStorageBufferOffsetAlignment: number;
}

/** Counters of the backend's memory and work. */
export interface WebGPUStats {
  /** Bytes of GPU buffers that tensors (or reads in flight) hold now. */
  readonly liveBytes: number;
  /** The most `liveBytes` reached since creation or the last `resetPeak()`. */
  readonly peakBytes: number;
  /** Bytes of released buffers kept for reuse. */
  readonly pooledBytes: number;
  /** Buffers held by tensors now. */
  readonly liveBuffers: number;
  /** GPU buffers created so far (pool misses). */
  readonly buffersCreated: number;
  /** Compute pipelines compiled so far (cache misses). */
  readonly pipelines: number;
  /** Compute dispatches submitted so far. */
  readonly dispatches: number;
  /** Kernel calls split into several dispatches to stay within a device limit. */
  readonly splitCalls: number;
}

/** A buffer range bound to a shader: `offset` and `size` in bytes. */
export interface Binding {
  /** The buffer. */
  readonly buffer: GPUBuffer;
  /** Start in bytes (a multiple of `minStorageBufferOffsetAlignment`). */
  readonly offset: number;
  /** Length in bytes (a multiple of 4). */
  readonly size: number;
}

/** Everything a kernel needs: device, limits, memory and dispatch. */
export class GpuContext {
  /** The device. */
  readonly device: GPUDevice;
  /** The limits work is planned with. */
  readonly limits: WorkLimits;
  /** Set once the device is lost. */
  lostError: DeviceLostError | undefined;
  #firstError: string | undefined;
  #pool: BufferPool;
  #params = new Map<number, GPUBuffer>();
  #pipelines = new Map<string, GPUComputePipeline>();
  #dispatches = 0;
  #splitCalls = 0;

  constructor(device: GPUDevice, limits: WorkLimits, maxPooledBytes: number) {
    this.device = device;
    this.limits = limits;
    this.#pool = new BufferPool(device, limits.maxBufferSize, maxPooledBytes);
    device.addEventListener("uncapturederror", (ev) => {
      this.#firstError ??= (ev as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Throws `DeviceLostError` once the device is gone. */
  check(): void {
    if (this.lostError) throw this.lostError;
  }

  /** Marks the device lost and drops the pools (their buffers died with it). */
  markLost(reason: string, message: string): DeviceLostError {
    this.lostError ??= new DeviceLostError(reason, message);
    this.#pool.drop(false);
    this.#params.clear();
    return this.lostError;
  }

  /** A new handle of at least `bytes` bytes (contents undefined), from the pool when possible. */
  alloc(bytes: number): Buf {
    this.check();
    return this.#pool.alloc(bytes);
  }

  /**
   * A new handle of `bytes` bytes filled by `fill`; if `fill` throws, the handle goes back to
   * the pool before the error propagates (so a failed kernel leaks nothing).
   */
  output(bytes: number, fill: (h: Buf) => void): Buf {
    const h = this.alloc(bytes);
    try {
      fill(h);
    } catch (e) {
      this.release(h);
      throw e;
    }
    return h;
  }

  /** Runs `use` with a scratch handle of `bytes` bytes, released afterwards (even on errors). */
  scratch<T>(bytes: number, use: (h: Buf) => T): T {
    const h = this.alloc(bytes);
    try {
      return use(h);
    } finally {
      this.release(h);
    }
  }

  /** Returns a handle's buffer to the pool (or destroys it when the pool is full). Idempotent. */
  release(h: Buf): void {
    this.#pool.release(h, this.lostError !== undefined);
  }

  /** A handle holding a copy of `data` (4-byte elements). */
  upload(data: Float32Array | Int32Array): Buf {
    const h = this.alloc(data.byteLength);
    if (data.byteLength > 0) {
      this.device.queue.writeBuffer(h.buffer, 0, data as Float32Array<ArrayBuffer>);
    }
    return h;
  }

  /** Reads `size` elements of `h` back as a new array of `dtype`. Always awaits its mapping. */
  async read(h: Buf, dtype: DType, size: number): Promise<Float32Array | Int32Array> {
    this.check();
    const out = dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
    const bytes = size * 4;
    if (bytes > 0) {
      const cap = sizeClass(bytes);
      const staging = this.#pool.takeStaging(cap);
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(h.buffer, 0, staging, 0, bytes);
      this.device.queue.submit([enc.finish()]);
      try {
        await staging.mapAsync(MAP_READ, 0, bytes);
      } catch (cause) {
        staging.destroy();
        this.check();
        throw new GpuOperationError(`webgpu read: mapping the read-back buffer failed`, { cause });
      }
      new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(0, bytes)));
      staging.unmap();
      if (!this.lostError) this.#pool.returnStaging(cap, staging);
      else staging.destroy();
    }
    const err = this.#firstError;
    if (err !== undefined) {
      this.#firstError = undefined;
      throw new GpuOperationError(`webgpu: the device reported an error: ${err}`);
    }
    return out;
  }

  /** The cached pipeline for `key`, compiling `source()` on the first request. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.#pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ label: key, code: source() });
      p = this.device.createComputePipeline({
        label: key,
        layout: "auto",
        compute: { module, entryPoint: "main" },
      });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  /** A binding of the first `bytes` bytes of `h` (at least 4). */
  whole(h: Buf, bytes: number = h.byteLength): Binding {
    return { buffer: h.buffer, offset: 0, size: Math.max(4, Math.ceil(bytes / 4) * 4) };
  }

  /**
   * A binding of elements `[start, start + count)` of `h`, starting at the aligned offset at or
   * below `start`; `delta` is `start` minus that offset (in elements).
   */
  window(h: Buf, start: number, count: number): { bind: Binding; delta: number } {
    const align = this.limits.minStorageBufferOffsetAlignment / 4;
    const off = Math.floor(start / align) * align;
    const size = Math.max(4, (start - off + count) * 4);
    return { bind: { buffer: h.buffer, offset: off * 4, size }, delta: start - off };
  }

  /** Notes that a kernel call had to be split to fit a limit (for `stats().splitCalls`). */
  noteSplit(): void {
    this.#splitCalls++;
  }

  /**
   * Runs `workgroups` workgroups of the pipeline `key` over `bindings` (binding 0 is the
   * parameter buffer, then `bindings` in order as bindings 1, 2, ...). The shader sees
   * `p[0]` = the first workgroup index of this dispatch, `p[1]` = `workgroups`, then `params`.
   * Workgroup counts above the per-dimension limit use the y and z dimensions, and above its
   * cube, several dispatches.
   */
  dispatch(
    op: string,
    pipeline: GPUComputePipeline,
    bindings: readonly Binding[],
    params: readonly number[],
    workgroups: number,
  ): void {
    this.check();
    const maxBinding = this.limits.maxStorageBufferBindingSize;
    for (const b of bindings) {
      if (b.size > maxBinding) {
        throw new LimitExceededError(op, "maxStorageBufferBindingSize", b.size, maxBinding);
      }
    }
    if (workgroups <= 0) return;
    const m = this.limits.maxComputeWorkgroupsPerDimension;
    const data = new Int32Array(2 + params.length);
    data[1] = workgroups;
    data.set(params, 2);
    const pbytes = Math.max(MIN_CLASS, Math.ceil(data.byteLength / MIN_CLASS) * MIN_CLASS);
    let pbuf = this.#params.get(pbytes);
    if (!pbuf) {
      this.#params.set(
        pbytes,
        pbuf = this.device.createBuffer({ size: pbytes, usage: STORAGE_USAGE }),
      );
    }
    const layout = pipeline.getBindGroupLayout(0);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: pbuf, offset: 0, size: data.byteLength } },
      ...bindings.map((b, i) => ({
        binding: i + 1,
        resource: { buffer: b.buffer, offset: b.offset, size: b.size },
      })),
    ];
    const group = this.device.createBindGroup({ layout, entries });
    const cube = m * m * m;
    if (workgroups > m) this.noteSplit();
    for (let done = 0; done < workgroups; done += cube) {
      const [x, y, z] = grid(Math.min(workgroups - done, cube), m);
      data[0] = done;
      this.device.queue.writeBuffer(pbuf, 0, data);
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(x, y, z);
      pass.end();
      this.device.queue.submit([enc.finish()]);
      this.#dispatches++;
    }
  }

  /** Fills the first `bytes` bytes of `h` with zeros. */
  clear(h: Buf, bytes: number): void {
    this.check();
    if (bytes <= 0) return;
    const enc = this.device.createCommandEncoder();
    enc.clearBuffer(h.buffer, 0, Math.ceil(bytes / 4) * 4);
    this.device.queue.submit([enc.finish()]);
  }

  /** The counters. */
  stats(): WebGPUStats {
    return {
      ...this.#pool.counters(),
      pipelines: this.#pipelines.size,
      dispatches: this.#dispatches,
      splitCalls: this.#splitCalls,
    };
  }

  /** Sets the peak to the current live bytes. */
  resetPeak(): void {
    this.#pool.resetPeak();
  }

  /** Destroys the pooled buffers and the device. */
  destroy(): void {
    if (!this.lostError) this.#pool.drop(true);
    for (const b of this.#params.values()) b.destroy();
    this.markLost("destroyed", "the backend was destroyed");
    this.device.destroy();
  }
}

/** Workgroup counts `[x, y, z]`, each at most `m`, with `x * y * z >= n` (`n <= m^3`). */
export function grid(n: number, m: number): [number, number, number] {
  if (n <= m) return [n, 1, 1];
  const z = Math.ceil(n / (m * m));
  const rest = Math.ceil(n / z);
  const y = Math.ceil(rest / m);
  return [Math.ceil(rest / y), y, z];
}
