/**
 * The WebGPU backend: every primitive as a WGSL compute kernel, tensors in pooled GPU buffers
 * (float32 and int32), asynchronous read-back, typed errors for a missing runtime, adapter or
 * device and for limits the work cannot be split around.
 * @module
 */

import type { DType, TypedArray } from "../../core/dtype.ts";
import { typeError } from "../../core/errors.ts";
import type { Backend, Shape } from "../../core/primitives.ts";
import { GpuContext, GpuHandle, type WebGPUStats, type WorkLimits } from "./_context.ts";
import { convKernels } from "./_conv.ts";
import { elementwiseKernels } from "./_elementwise.ts";
import { layoutKernels } from "./_layout.ts";
import { matmulKernel } from "./_matmul.ts";
import { poolKernels } from "./_pooling.ts";
import { reduceKernels } from "./_reduce.ts";
import {
  type DeviceLostError,
  LimitExceededError,
  NoAdapterError,
  WebGPUBackendError,
  WebGPUUnavailableError,
} from "./errors.ts";

export { GpuHandle };
export type { WebGPUStats, WorkLimits };
export {
  DeviceLostError,
  GpuOperationError,
  LimitExceededError,
  NoAdapterError,
  WebGPUBackendError,
  WebGPUUnavailableError,
} from "./errors.ts";

/** The part of `navigator.gpu` the backend uses (so tests can inject a fake). */
export interface GpuLike {
  /** Resolves to an adapter, or `null` when there is none. */
  requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null>;
}

/** The device limits the backend requests from the adapter (at the adapter's maximum). */
export type RequestedLimit =
  | "maxStorageBufferBindingSize"
  | "maxBufferSize"
  | "maxComputeWorkgroupsPerDimension"
  | "maxComputeInvocationsPerWorkgroup"
  | "maxComputeWorkgroupStorageSize"
  | "maxStorageBuffersPerShaderStage"
  | "maxComputeWorkgroupSizeX";

const REQUESTED: readonly RequestedLimit[] = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupsPerDimension",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupSizeX",
];

/** What the kernels need at least: 256-invocation workgroups, 16 KiB of workgroup memory. */
const NEEDED: Partial<Record<RequestedLimit, number>> = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxStorageBuffersPerShaderStage: 4,
};

/** Options of {@linkcode createWebGPUBackend}. */
export interface WebGPUBackendOptions {
  /**
   * The WebGPU entry point. Pass `undefined` explicitly to act as a runtime without WebGPU.
   * @default {navigator.gpu}
   */
  readonly gpu?: GpuLike | undefined;
  /** Adapter preference. @default {"high-performance"} */
  readonly powerPreference?: GPUPowerPreference;
  /**
   * Minimum device limits to insist on; a value above the adapter's limit fails with a
   * `LimitExceededError` naming the limit. The backend requests the adapter's maximum anyway.
   * @default {{}}
   */
  readonly requiredLimits?: Partial<Record<RequestedLimit, number>>;
  /**
   * Lower limits to plan work with, as if the device had them (for testing how work is split):
   * `maxStorageBufferBindingSize`, `maxBufferSize`, `maxComputeWorkgroupsPerDimension`.
   * @default {{}} (the device's limits)
   */
  readonly limits?: Partial<
    Pick<
      WorkLimits,
      "maxStorageBufferBindingSize" | "maxBufferSize" | "maxComputeWorkgroupsPerDimension"
    >
  >;
  /** Bytes of released buffers kept for reuse; beyond that they are destroyed. @default {268435456} */
  readonly maxPooledBytes?: number;
}

/** The WebGPU backend: the `Backend` contract plus device access, counters and teardown. */
export interface WebGPUBackend extends Backend<GpuHandle> {
  /** The GPU device (for advanced use and tests; destroying it makes every later op fail). */
  readonly device: GPUDevice;
  /** The adapter's description, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`. */
  readonly adapterName: string;
  /** The limits work is planned with. */
  readonly limits: WorkLimits;
  /** Resolves when the device is lost, with the error every later call throws. */
  readonly lost: Promise<DeviceLostError>;
  /** Returns the handle's buffer to the pool (called by core when no tensor refers to it). */
  release(handle: GpuHandle): void;
  /** Live, peak and pooled bytes and work counters. */
  stats(): WebGPUStats;
  /** Starts a new peak measurement at the current live bytes. */
  resetPeak(): void;
  /** Destroys the pooled buffers and the device; the backend is unusable afterwards. */
  destroy(): void;
}

const OP = "createWebGPUBackend";

function defaultGpu(): GpuLike | undefined {
  return (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
}

async function requestDevice(
  adapter: GPUAdapter,
  options: WebGPUBackendOptions,
): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  const adapterLimits = adapter.limits as unknown as Record<string, number>;
  for (const name of REQUESTED) {
    const allowed = adapterLimits[name];
    const wanted = Math.max(options.requiredLimits?.[name] ?? 0, NEEDED[name] ?? 0);
    if (wanted > allowed) {
      throw new LimitExceededError(OP, name, wanted, allowed, "the adapter");
    }
    requiredLimits[name] = allowed;
  }
  requiredLimits.minStorageBufferOffsetAlignment = adapterLimits.minStorageBufferOffsetAlignment;
  try {
    return await adapter.requestDevice({ requiredLimits });
  } catch (cause) {
    throw new WebGPUBackendError(`${OP}: requestDevice failed: ${String(cause)}`, { cause });
  }
}

function workLimits(device: GPUDevice, lower: WebGPUBackendOptions["limits"]): WorkLimits {
  const d = device.limits;
  const pick = (name: keyof NonNullable<WebGPUBackendOptions["limits"]>): number => {
    const v = lower?.[name];
    if (v === undefined) return d[name];
    if (!Number.isInteger(v) || v < 1 || v > d[name]) {
      throw new RangeError(
        `${OP}: options.limits.${name} must be an integer in [1, ${d[name]}], but got ${v}`,
      );
    }
    return v;
  };
  return Object.freeze({
    maxStorageBufferBindingSize: pick("maxStorageBufferBindingSize"),
    maxBufferSize: pick("maxBufferSize"),
    maxComputeWorkgroupsPerDimension: pick("maxComputeWorkgroupsPerDimension"),
    maxComputeInvocationsPerWorkgroup: d.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: d.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: d.maxStorageBuffersPerShaderStage,
    minStorageBufferOffsetAlignment: d.minStorageBufferOffsetAlignment,
  });
}

/**
 * Creates a WebGPU backend: requests an adapter and a device with the limits the kernels need
 * (taken from the adapter), and returns a `Backend` whose tensors live in GPU buffers. Supports
 * float32 and int32. Read tensors with `await t.data()` (there is no synchronous read).
 *
 * Throws `WebGPUUnavailableError` when the runtime has no WebGPU, `NoAdapterError` when there
 * is no adapter and `LimitExceededError` when `requiredLimits` asks for more than the adapter
 * has.
 *
 * @example
 * ```ts
 * import { matmul, tensor } from "@convkit/convkit/core";
 * import { createWebGPUBackend } from "@convkit/convkit/backends/webgpu";
 *
 * const gpu = await createWebGPUBackend();
 * const a = tensor([[1, 2], [3, 4]], { backend: gpu });
 * const y = await matmul(a, a).data(); // Float32Array [7, 10, 15, 22]
 * if (y[3] !== 22) throw new Error("unexpected result");
 * gpu.destroy();
 * ```
 */
export async function createWebGPUBackend(
  options: WebGPUBackendOptions = {},
): Promise<WebGPUBackend> {
  const gpu = "gpu" in options ? options.gpu : defaultGpu();
  if (gpu === undefined || gpu === null) {
    throw new WebGPUUnavailableError(
      `${OP}: this runtime has no WebGPU (navigator.gpu is undefined); in Deno, WebGPU needs ` +
        `a runtime built with it, in Node the "webgpu" npm package`,
    );
  }
  const adapter = await gpu.requestAdapter({
    powerPreference: options.powerPreference ?? "high-performance",
  });
  if (!adapter) {
    throw new NoAdapterError(`${OP}: navigator.gpu.requestAdapter() found no GPU adapter`);
  }
  const device = await requestDevice(adapter, options);
  const limits = workLimits(device, options.limits);
  const ctx = new GpuContext(device, limits, options.maxPooledBytes ?? 256 * 2 ** 20);
  const lost = device.lost.then((info) => ctx.markLost(info.reason, info.message));
  const kernels = {
    ...elementwiseKernels(ctx),
    ...layoutKernels(ctx),
    ...reduceKernels(ctx),
    matmul: matmulKernel(ctx),
    ...convKernels(ctx),
    ...poolKernels(ctx),
  };
  const checkDType = (op: string, dtype: DType): void => {
    if (dtype !== "float32" && dtype !== "int32") {
      throw typeError(op, "dtype", `must be "float32" or "int32" on WebGPU`, `got "${dtype}"`);
    }
  };
  return {
    name: "webgpu",
    dtypes: ["float32", "int32"],
    kernels,
    device,
    adapterName: adapter.info?.description || adapter.info?.vendor || "unknown adapter",
    limits,
    lost,
    upload(data: TypedArray, _shape: Shape, dtype: DType): GpuHandle {
      checkDType("webgpu upload", dtype);
      if (dtype === "float32") {
        return ctx.upload(data instanceof Float32Array ? data : Float32Array.from(data));
      }
      return ctx.upload(data instanceof Int32Array ? data : Int32Array.from(data));
    },
    read(handle: GpuHandle, dtype: DType, size: number): Promise<TypedArray> {
      try {
        checkDType("webgpu read", dtype);
      } catch (e) {
        return Promise.reject(e);
      }
      return ctx.read(handle, dtype, size);
    },
    release(handle: GpuHandle): void {
      ctx.release(handle);
    },
    stats: () => ctx.stats(),
    resetPeak: () => ctx.resetPeak(),
    destroy: () => ctx.destroy(),
  };
}
