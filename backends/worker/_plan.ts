/**
 * What the planners share: the tiling configuration and the job builder. A planner turns one
 * primitive call (shapes, dtypes, attributes) into a {@linkcode Job} whose addresses are filled
 * in when it is dispatched.
 * @module
 */

import type { DType } from "../../core/dtype.ts";
import type { OutInfo, Shape } from "../../core/primitives.ts";
import { sizeOf, tileStarts } from "./_strides.ts";
import type { Job } from "./_types.ts";

/** A planner's view of one input. */
export interface PlanIn {
  /** The shape. */
  readonly shape: Shape;
  /** The dtype. */
  readonly dtype: DType;
}

/** How jobs are split. */
export interface PlanCfg {
  /** Threads of the pool (at least 1). */
  readonly threads: number;
  /** The most tiles per job, per thread. */
  readonly tilesPerThread: number;
  /** The least work (multiply-adds or element visits) worth a tile of its own. */
  readonly minTileWork: number;
  /** Whether the WebAssembly SIMD kernels are available (float32 GEMM tiles). */
  readonly simd: boolean;
  /** The packed panel width of the SIMD kernels, in floats. */
  readonly nr: number;
  /** Whether jobs may be split along their reduction (`Job.combine`; not with transfers). */
  readonly partials: boolean;
}

/** `n` rounded up to a multiple of 64. */
export function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}

/** The most tiles a job may have under `cfg`. */
export function maxTiles(cfg: PlanCfg): number {
  return Math.max(1, cfg.threads * cfg.tilesPerThread);
}

/** Tile boundaries for `units` units of `unitSize` output elements worth `unitWork` each. */
export function tiles(cfg: PlanCfg, units: number, unitSize: number, unitWork: number): number[] {
  return tileStarts(units, unitSize, unitWork, maxTiles(cfg), cfg.minTileWork);
}

/** Builds a job (addresses left at 0 until dispatch). */
export function makeJob(
  kind: string,
  prim: string,
  inputs: readonly PlanIn[],
  out: OutInfo,
  p: Record<string, unknown>,
  starts: number[],
  work: number,
  scratch = 0,
): Job {
  return {
    kind,
    prim,
    ins: inputs.map(() => 0),
    out: 0,
    dt: [...inputs.map((i) => i.dtype), out.dtype],
    sizes: [...inputs.map((i) => sizeOf(i.shape)), sizeOf(out.shape)],
    p,
    starts,
    scratch,
    work,
  };
}

/** Element-range tiling for an elementwise job over `size` outputs costing `cost` each. */
export function elementTiles(cfg: PlanCfg, size: number, cost = 1): number[] {
  const chunk = 1024;
  const units = Math.ceil(size / chunk);
  const starts = tiles(cfg, units, chunk, chunk * cost);
  starts[starts.length - 1] = size;
  return starts.map((s) => Math.min(s, size));
}
