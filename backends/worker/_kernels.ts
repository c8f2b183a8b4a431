/**
 * Builds the WebAssembly module of float32 kernels for this engine: every GEMM micro-kernel
 * variant the drivers call (rows 1..MR, vectors 1..NV, 0..3 tail lanes, contiguous and strided
 * A) and the helpers of `_simd_wasm.ts`, with relaxed-SIMD fused multiply-adds where
 * `WebAssembly.validate` accepts them, plain simd128 otherwise, and nothing (the JavaScript
 * path) where the engine has no SIMD.
 * @module
 */

import { gemmKernel, MR, NV } from "./_gemm_wasm.ts";
import { simdKernels } from "./_simd_wasm.ts";
import { emitModule, type FuncDef } from "./_wasm.ts";

/** The most pages (64 KiB) any memory of the backend may reach: 2 GiB, so addresses fit i32. */
export const MAX_PAGES = 32768;

/** A generated kernel module. */
export interface KernelModule {
  /** The module bytes (importing `env.memory`). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Whether the kernels use relaxed-SIMD fused multiply-adds. */
  readonly relaxed: boolean;
}

function variants(relaxed: boolean): FuncDef[] {
  const funcs: FuncDef[] = [];
  for (const strided of [false, true]) {
    for (let mr = 1; mr <= MR; mr++) {
      for (let nv = 1; nv <= NV; nv++) {
        for (let tail = 0; tail < 4; tail++) funcs.push(gemmKernel(mr, nv, tail, relaxed, strided));
      }
    }
  }
  return [...funcs, ...simdKernels()];
}

/**
 * The kernel module for a shared (or private) memory, or null when the engine lacks
 * WebAssembly SIMD. `allowRelaxed: false` forces plain simd128.
 */
export function buildKernelModule(shared: boolean, allowRelaxed = true): KernelModule | null {
  if (typeof WebAssembly !== "object") return null;
  const memory = { shared, maxPages: MAX_PAGES };
  for (const relaxed of allowRelaxed ? [true, false] : [false]) {
    try {
      const bytes = emitModule(variants(relaxed), memory);
      if (WebAssembly.validate(bytes)) return { bytes, relaxed };
    } catch {
      // An engine that rejects the module: try the next variant.
    }
  }
  return null;
}
