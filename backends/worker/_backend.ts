/**
 * The worker backend: kernels that plan a job, then run it inline (small, inputs ready) or queue
 * it on the pool, returning a future handle at once.
 *
 * A handle owns a block of the backend's memory and, while its job is queued or running, a
 * `done` promise (which never rejects; a failure is kept in `error`). A job is queued as soon as
 * its kernel is called: the pool runs jobs in submission order, so inputs from earlier jobs are
 * always computed first. `read` awaits the handle, then copies. A failure inside a worker becomes
 * the handle's error, raised by `read`, and every later op that uses the handle fails with an
 * error naming both primitives. Released handles go back to the allocator once no queued job
 * reads them.
 * @module
 */

import type { DType, TypedArray } from "../../core/dtype.ts";
import { checkInt, rangeError, typeError } from "../../core/errors.ts";
import type {
  Backend,
  Kernel,
  Kernels,
  KTensor,
  OutInfo,
  PrimitiveName,
  Primitives,
  Shape,
} from "../../core/primitives.ts";
import { MR, NR, NV } from "./_gemm_wasm.ts";
import { type Block, Heap } from "./_heap.ts";
import { buildKernelModule } from "./_kernels.ts";
import type { PlanCfg } from "./_plan.ts";
import { BYTES, type Planner, PLANNERS } from "./_planners.ts";
import { Handle, type WorkerHandle } from "./_handle.ts";
import { sizeOf } from "./_strides.ts";
import type { Pool } from "./_pool.ts";
import { SharedPool } from "./_pool_shared.ts";
import { TransferPool } from "./_pool_transfer.ts";
import type { Job, TileEnv } from "./_types.ts";
import { buildTiles, MAX_THREADS } from "./_worker_main.ts";

/** Options of {@linkcode createWorkerBackend}. */
export interface WorkerBackendOptions {
  /**
   * Worker threads. 0 runs every kernel on the calling thread.
   * @default {navigator.hardwareConcurrency, or 0 where there are no workers}
   */
  readonly threads?: number;
  /**
   * Share one memory with the workers (needs `SharedArrayBuffer`, i.e. a cross-origin isolated
   * page in browsers). `false`, or no `SharedArrayBuffer`, copies inputs to the workers and
   * transfers outputs back instead: slower, same results.
   * @default {true}
   */
  readonly sharedMemory?: boolean;
  /** Run float32 matrix products and convolutions on WebAssembly SIMD kernels. @default {true} */
  readonly simd?: boolean;
  /** Use relaxed-SIMD fused multiply-adds where the engine has them. @default {true} */
  readonly relaxedSimd?: boolean;
  /**
   * Work (multiply-adds or element visits) below which an op whose inputs are ready runs on the
   * calling thread instead of the pool.
   * @default {32768}
   */
  readonly inlineWork?: number;
  /** The least work worth a tile of its own. @default {16384} */
  readonly minTileWork?: number;
  /** The most tiles per job, per thread. @default {4} */
  readonly tilesPerThread?: number;
  /** Milliseconds without work after which the workers are terminated. @default {1000} */
  readonly idleMs?: number;
}

/** The worker backend: a {@linkcode Backend} plus its pool's lifecycle. */
export interface WorkerBackend extends Backend<WorkerHandle>, Disposable {
  /** The number of worker threads. */
  readonly threads: number;
  /** Whether the workers share the backend's memory (else inputs are copied to them). */
  readonly sharedMemory: boolean;
  /** The float32 kernels in use: `"relaxed-simd"`, `"simd128"` or `"js"`. */
  readonly kernelKind: "relaxed-simd" | "simd128" | "js";
  /** Workers alive now (0 after `close()` and while idle). */
  readonly liveWorkers: number;
  /** Bytes of the backend's memory in live blocks. */
  readonly bytesInUse: number;
  /** Bytes of memory the backend has reserved (it only grows). */
  readonly bytesReserved: number;
  /** Returns a handle's block to the allocator once no queued job or read uses it. */
  release(handle: WorkerHandle): void;
  /** Terminates the workers; queued ops fail, later ops throw. Idempotent. */
  close(): void;
}

export type { WorkerHandle };

/** Test hooks: the next job of a primitive fails with a message. */
const faults = new WeakMap<WorkerBackend, Map<string, string>>();

/**
 * Test hook: the next `prim` job of `backend` throws `message` inside its tile (in a worker when
 * it goes to the pool), as a bug in a kernel would. A message starting with `"crash:"` escapes
 * the worker's handler instead, as a worker crash would.
 */
export function injectFault(backend: WorkerBackend, prim: PrimitiveName, message: string): void {
  faults.get(backend)?.set(prim, message);
}

function defaultThreads(): number {
  if (typeof Worker !== "function") return 0;
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? Math.min(MAX_THREADS, Math.floor(n)) : 1;
}

function makeHeap(wantShared: boolean): Heap {
  if (wantShared && typeof SharedArrayBuffer === "function") {
    try {
      return new Heap(true);
    } catch {
      // Shared memory refused (e.g. not cross-origin isolated): fall back to transfers.
    }
  }
  return new Heap(false);
}

/** Builds a worker backend (see `mod.ts` for the documented entry point). */
export function createWorkerBackend(options: WorkerBackendOptions = {}): WorkerBackend {
  const op = "createWorkerBackend";
  if (options === null || typeof options !== "object") {
    throw typeError(op, "options", "must be an object", `got ${String(options)}`);
  }
  const threads = options.threads === undefined
    ? defaultThreads()
    : checkInt(op, "options.threads", options.threads, 0);
  if (threads > MAX_THREADS) {
    throw rangeError(op, "options.threads", `must be at most ${MAX_THREADS}`, `got ${threads}`);
  }
  if (threads > 0 && typeof Worker !== "function") {
    throw typeError(
      op,
      "options.threads",
      "needs Worker (this runtime has none)",
      `got ${threads}`,
    );
  }
  const inlineWork = options.inlineWork ?? 32768;
  const heap = makeHeap(options.sharedMemory ?? true);
  const wantSimd = options.simd ?? true;
  const module = wantSimd ? buildKernelModule(heap.shared, options.relaxedSimd ?? true) : null;
  // The calling thread's own kernels (for inline jobs), over the backend's memory.
  let mainWasm: Record<string, (...a: number[]) => void> | null = null;
  if (module !== null) {
    try {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(module.bytes), {
        env: { memory: heap.memory },
      });
      mainWasm = inst.exports as Record<string, (...a: number[]) => void>;
    } catch {
      mainWasm = null;
    }
  }
  const simd = mainWasm !== null;
  const cfg: PlanCfg = {
    threads: Math.max(1, threads),
    tilesPerThread: checkInt(op, "options.tilesPerThread", options.tilesPerThread ?? 4, 1),
    minTileWork: options.minTileWork ?? 16384,
    simd,
    nr: NR,
    partials: threads === 0 || heap.shared,
  };
  const env: TileEnv = {
    mem: () => heap.views(),
    view: (dtype, ptr, n) => heap.view(dtype, ptr, n),
    wasm: mainWasm,
    mr: MR,
    nv: NV,
  };
  const { tiles, h: helpers } = buildTiles(env);
  const poolOptions = {
    threads,
    idleMs: options.idleMs ?? 1000,
    heap,
    module: simd ? module : null,
    mr: MR,
    nv: NV,
  };
  const pool: Pool | null = threads === 0
    ? null
    : heap.shared
    ? new SharedPool(poolOptions)
    : new TransferPool(poolOptions);
  const myFaults = new Map<string, string>();
  let closed = false;
  let mainScratch: Block | undefined;
  let inlineJobs = 0;

  function assertOpen(what: string): void {
    if (closed) throw new Error(`worker backend: ${what}: the backend was closed`);
  }

  function maybeFree(h: Handle): void {
    if (h.released && !h.freed && h.uses === 0 && h.done === null) {
      h.freed = true;
      heap.free(h.block);
    }
  }

  /** Marks `h` failed by its own primitive. */
  function fail(h: Handle, what: string): void {
    h.cause = { prim: h.prim, message: what };
    h.error = new Error(`worker backend: ${h.prim} ${what}`);
  }

  /** Marks `h` failed when one of its inputs failed; returns whether it did. */
  function inheritFailure(h: Handle, inputs: readonly Handle[]): boolean {
    const i = inputs.findIndex((x) => x.cause !== null);
    if (i < 0) return false;
    const c = inputs[i].cause!;
    h.cause = c;
    h.error = new Error(
      `worker backend: ${h.prim} did not run: its input ${i} depends on ${c.prim}, which ` +
        c.message,
    );
    return true;
  }

  function runInline(job: Job): void {
    if (job.scratch > (mainScratch?.size ?? 0)) {
      if (mainScratch !== undefined) heap.free(mainScratch);
      mainScratch = heap.alloc(job.scratch);
    }
    if (job.scratch > 0 && mainScratch === undefined) throw new Error("no scratch");
    const ctx = {
      scratch: mainScratch?.ptr ?? 0,
      scratchBytes: mainScratch?.size ?? 0,
      jobId: -++inlineJobs,
      state: {},
    };
    if (job.fault !== undefined) throw new Error(job.fault);
    const fn = tiles[job.kind];
    for (let t = 0; t + 1 < job.starts.length; t++) fn(job, t, ctx);
    if (job.combine !== undefined) helpers.combine(job);
  }

  function run(
    prim: PrimitiveName,
    job: Job,
    inputs: readonly KTensor<WorkerHandle>[],
    out: OutInfo,
  ): Handle {
    assertOpen(prim);
    const hs = inputs.map((k) => k.handle as Handle);
    const handle = new Handle(heap.alloc(Math.max(1, sizeOf(out.shape) * BYTES[out.dtype])), prim);
    if (inheritFailure(handle, hs)) return handle;
    if (sizeOf(out.shape) === 0) return handle;
    job.ins = hs.map((h) => h.ptr);
    job.out = handle.ptr;
    // A job split along its reduction writes partial outputs first.
    const part = job.combine === undefined ? undefined : heap.alloc(
      Math.max(1, (job.starts.length - 1) * sizeOf(out.shape) * BYTES[job.partDtype!]),
    );
    if (part !== undefined) job.part = part.ptr;
    const fault = myFaults.get(prim);
    if (fault !== undefined) {
      myFaults.delete(prim);
      job.fault = fault;
    }
    const pending = hs.some((h) => h.done !== null);
    if (pool === null || (!pending && job.work < inlineWork)) {
      try {
        runInline(job);
      } catch (err) {
        fail(handle, `failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (part !== undefined) heap.free(part);
      return handle;
    }
    let resolve!: () => void;
    handle.done = new Promise<void>((r) => (resolve = r));
    for (const h of hs) h.uses++;
    const dep = hs.reduce((d, h) => (h.done !== null ? Math.max(d, h.seq) : d), 0);
    handle.seq = pool.submit(job, dep, (error) => {
      if (error !== null) fail(handle, `failed in a worker: ${error}`);
      else inheritFailure(handle, hs);
      handle.done = null;
      if (part !== undefined) heap.free(part);
      for (const h of hs) {
        h.uses--;
        maybeFree(h);
      }
      maybeFree(handle);
      resolve();
    });
    return handle;
  }

  function kernel<P extends PrimitiveName>(prim: P): Kernel<WorkerHandle, P> {
    const plan = PLANNERS[prim] as Planner<P>;
    return ((
      inputs: readonly KTensor<WorkerHandle>[],
      attrs: Primitives[P]["attrs"],
      out: OutInfo,
    ) => run(prim, plan(inputs, attrs, out, cfg), inputs, out)) as unknown as Kernel<
      WorkerHandle,
      P
    >;
  }

  const kernels: Kernels<WorkerHandle> = {
    unary: kernel("unary"),
    binary: kernel("binary"),
    where: kernel("where"),
    broadcastTo: kernel("broadcastTo"),
    reduce: kernel("reduce"),
    argReduce: kernel("argReduce"),
    matmul: kernel("matmul"),
    conv2d: kernel("conv2d"),
    conv2dBackpropInput: kernel("conv2dBackpropInput"),
    conv2dBackpropFilter: kernel("conv2dBackpropFilter"),
    im2col: kernel("im2col"),
    col2im: kernel("col2im"),
    pool2d: kernel("pool2d"),
    maxPool2dBackward: kernel("maxPool2dBackward"),
    avgPool2dBackward: kernel("avgPool2dBackward"),
    transpose: kernel("transpose"),
    slice: kernel("slice"),
    pad: kernel("pad"),
    concat: kernel("concat"),
    cast: kernel("cast"),
    oneHot: kernel("oneHot"),
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    pool?.close("worker backend: the backend was closed before this op finished");
  };

  const backend: WorkerBackend = {
    name: "worker",
    dtypes: ["float32", "float64", "int32"],
    kernels,
    threads,
    sharedMemory: heap.shared && pool !== null,
    kernelKind: !simd ? "js" : module!.relaxed ? "relaxed-simd" : "simd128",
    get liveWorkers(): number {
      return pool?.liveWorkers ?? 0;
    },
    get bytesInUse(): number {
      return heap.bytesInUse;
    },
    get bytesReserved(): number {
      return heap.bytesReserved;
    },
    upload(data: TypedArray, _shape: Shape, dtype: DType): WorkerHandle {
      assertOpen("upload");
      const h = new Handle(heap.alloc(Math.max(1, data.length * BYTES[dtype])), "upload");
      heap.view(dtype, h.ptr, data.length).set(data);
      return h;
    },
    async read(handle: WorkerHandle, dtype: DType, size: number): Promise<TypedArray> {
      const h = handle as Handle;
      if (h.freed) throw new TypeError(`worker backend: read: the handle was released`);
      // Hold the block while waiting: the tensor may become unreachable meanwhile
      // (`await op(x).data()`), and its release must not free the block under the read.
      h.uses++;
      try {
        if (h.done !== null) await h.done;
        if (h.error !== null) throw h.error;
        return heap.view(dtype, h.ptr, size).slice();
      } finally {
        h.uses--;
        maybeFree(h);
      }
    },
    release(handle: WorkerHandle): void {
      const h = handle as Handle;
      h.released = true;
      maybeFree(h);
    },
    close,
    [Symbol.dispose]: close,
  };
  faults.set(backend, myFaults);
  return backend;
}
