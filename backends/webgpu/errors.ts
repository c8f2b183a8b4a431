/**
 * The typed errors of the WebGPU backend: no WebGPU in the runtime, no adapter, a lost device and
 * a device limit that the work exceeds and cannot be split around.
 * @module
 */

/**
 * The base class of every WebGPU-specific failure, so callers can catch them all at once
 * (`err instanceof WebGPUBackendError`). Bad arguments still raise `TypeError` / `RangeError`.
 */
export class WebGPUBackendError extends Error {
  /** Builds the error; `name` is set to the subclass's name. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The runtime has no WebGPU: `navigator.gpu` is undefined (Node, Bun, Deno without WebGPU, or a
 * `gpu: undefined` option).
 *
 * @example
 * ```ts
 * import { createWebGPUBackend, WebGPUUnavailableError } from "@convkit/convkit/backends/webgpu";
 * try {
 *   await createWebGPUBackend({ gpu: undefined });
 * } catch (e) {
 *   e instanceof WebGPUUnavailableError; // true
 * }
 * ```
 */
export class WebGPUUnavailableError extends WebGPUBackendError {}

/** `requestAdapter()` resolved to `null`: WebGPU exists but offers no adapter here. */
export class NoAdapterError extends WebGPUBackendError {}

/**
 * The GPU device was lost (destroyed, driver reset, out of memory). Every later kernel call,
 * upload and read of that backend throws this error; create a new backend to continue.
 */
export class DeviceLostError extends WebGPUBackendError {
  /** The `GPUDeviceLostInfo` reason: `"destroyed"` or `"unknown"`. */
  readonly reason: string;
  /** The implementation's message about the loss. */
  readonly detail: string;

  /** Builds the error from the lost-info `reason` and `detail` message. */
  constructor(reason: string, detail: string) {
    super(
      `webgpu: the GPU device was lost (reason "${reason}"${detail ? `: ${detail}` : ""}); ` +
        `create a new backend to continue`,
    );
    this.reason = reason;
    this.detail = detail;
  }
}

/**
 * The work needs more of a device limit than the device allows, and the backend cannot split it
 * into pieces that fit (or a requested device limit is above the adapter's).
 */
export class LimitExceededError extends WebGPUBackendError {
  /** The WebGPU limit's name, e.g. `"maxStorageBufferBindingSize"`. */
  readonly limit: string;
  /** What the work (or the request) needs. */
  readonly requested: number;
  /** What the device (or adapter) allows. */
  readonly allowed: number;

  /**
   * Builds the error; `what` says which operation needed the limit and `by` who sets it
   * (`"the device"` or `"the adapter"`).
   */
  constructor(what: string, limit: string, requested: number, allowed: number, by = "the device") {
    super(
      `${what}: needs ${limit} = ${requested}, but ${by} allows only ${allowed}` +
        (by === "the device" ? " and the work cannot be split to fit" : ""),
    );
    this.limit = limit;
    this.requested = requested;
    this.allowed = allowed;
  }
}

/**
 * The device reported an error for work this backend submitted (a validation or out-of-memory
 * error). Surfaces from the next `read`, since WebGPU reports such errors asynchronously.
 */
export class GpuOperationError extends WebGPUBackendError {}
