/**
 * The worker backend: every primitive split into tiles and run by a pool of module workers over
 * shared memory, with float32 matrix products and convolutions on WebAssembly SIMD micro-kernels
 * generated at run time. The fastest CPU path; the scalar backend is its oracle.
 *
 * Kernels return at once with a future handle; the work runs in the pool, in order. Read results
 * with `await tensor.data()` (there is no synchronous read). Workers start on the first job, stop
 * after `idleMs` without work, and `close()` (or `using`) stops them for good.
 * @module
 */

import { createWorkerBackend as create } from "./_backend.ts";
import type { WorkerBackend, WorkerBackendOptions } from "./_backend.ts";
import { liveWorkerCount as count } from "./_pool.ts";

export type { WorkerBackend, WorkerBackendOptions, WorkerHandle } from "./_backend.ts";

/**
 * Creates a worker backend with `options.threads` workers (default: the hardware concurrency).
 * Tensors created on it (`{ backend }`) run every op in its pool. Close it when done, or declare
 * it with `using`.
 *
 * @example
 * ```ts
 * import { matmul, tensor } from "@convkit/convkit";
 * import { createWorkerBackend } from "@convkit/convkit/backends/worker";
 *
 * using backend = createWorkerBackend({ threads: 2 });
 * const a = tensor([[1, 2], [3, 4]], { backend });
 * const b = tensor([[5, 6], [7, 8]], { backend });
 * await matmul(a, b).data(); // Float32Array [19, 22, 43, 50]
 * ```
 */
export function createWorkerBackend(options: WorkerBackendOptions = {}): WorkerBackend {
  return create(options);
}

/**
 * The number of workers alive across every worker backend of this thread: 0 once every backend
 * is closed or idle.
 *
 * @example
 * ```ts
 * import { createWorkerBackend, liveWorkerCount } from "@convkit/convkit/backends/worker";
 * createWorkerBackend({ threads: 1 }).close();
 * liveWorkerCount(); // 0
 * ```
 */
export function liveWorkerCount(): number {
  return count();
}
