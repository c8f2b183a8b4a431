/**
 * The types shared by the main-thread planners and the tile functions that run in the workers
 * (and inline on the main thread): a job is plain data (addresses in the shared memory, shapes,
 * parameters, tile boundaries) that a tile function computes one tile of.
 * @module
 */

import type { DType } from "../../core/dtype.ts";

/** One job: a primitive's computation, split into tiles that write disjoint output ranges. */
export interface Job {
  /** The tile function's name. */
  readonly kind: string;
  /** The primitive, for error messages. */
  readonly prim: string;
  /** Byte addresses of the inputs, in order. */
  ins: number[];
  /** Byte address of the output. */
  out: number;
  /** Dtypes of the inputs, then of the output. */
  readonly dt: DType[];
  /** Element counts of the inputs, then of the output. */
  readonly sizes: number[];
  /** Kind-specific parameters: plain, structured-cloneable data. */
  readonly p: Record<string, unknown>;
  /**
   * Tile `t` writes output elements `[starts[t], starts[t + 1])` and no others; the ranges
   * increase with `t` and cover the output.
   */
  readonly starts: number[];
  /** Scratch bytes each thread needs (for packed panels, bands, row tables). */
  readonly scratch: number;
  /** A rough cost (multiply-adds or element visits), for the inline-or-pool decision. */
  readonly work: number;
  /** Test hook: the tile throws this message instead of computing. */
  fault?: string;
  /**
   * For a job split along its reduction: each tile writes a whole partial output (tile `t` at
   * byte `part + t * n * bytes`, `starts` then bounds reduction ranges), and the last thread to
   * finish combines the partials into the output with `combine`, in tile order, in doubles.
   */
  readonly combine?: "sum" | "max" | "min";
  /** The partials' dtype: `float64` (sums round once), or `float32` from the GEMM tiles. */
  readonly partDtype?: "float32" | "float64";
  /** Byte address of the partial outputs (set at dispatch when `combine` is set). */
  part?: number;
}

/** Typed-array views over the whole memory, current as of the call. */
export interface Views {
  /** The memory as float32. */
  readonly f32: Float32Array;
  /** The memory as float64. */
  readonly f64: Float64Array;
  /** The memory as int32. */
  readonly i32: Int32Array;
  /** The memory as bytes. */
  readonly u8: Uint8Array;
}

/** What a tile function can use: the memory and the compiled SIMD kernels of its thread. */
export interface TileEnv {
  /** Views over the memory (refreshed when it has grown). */
  mem(): Views;
  /** A typed array of `dtype` with `n` elements at byte address `ptr`. */
  view(dtype: DType, ptr: number, n: number): Float32Array | Float64Array | Int32Array;
  /** The GEMM micro-kernels by export name, or null when WebAssembly SIMD is unavailable. */
  readonly wasm: Record<string, (...args: number[]) => void> | null;
  /** Rows per micro-tile. */
  readonly mr: number;
  /** Vectors of 4 floats per micro-tile row. */
  readonly nv: number;
}

/** Per-thread state while running tiles of one job. */
export interface TileCtx {
  /** Byte address of this thread's scratch region. */
  readonly scratch: number;
  /** Its size in bytes. */
  readonly scratchBytes: number;
  /** An identifier of the job, so state can be reused across its tiles (packed panels). */
  readonly jobId: number;
  /** State kept across the tiles of one job on one thread; reset for each job. */
  readonly state: Record<string, unknown>;
}

/** Computes tile `t` of `job`. */
export type TileFn = (job: Job, t: number, ctx: TileCtx) => void;

/** A set of tile functions by kind. */
export type Tiles = Record<string, TileFn>;
