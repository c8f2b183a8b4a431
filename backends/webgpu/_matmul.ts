/**
 * Batched matmul on the tiled template, with transposes read in place. When an operand or the
 * output is larger than one storage binding may be, the work is split over batches and, if one
 * batch is still too large, over row blocks of the output (when `A` is not transposed).
 * @module
 */

import type { Kernel } from "../../core/primitives.ts";
import type { Buf, GpuContext } from "./_context.ts";
import { P0, runGemm } from "./_gemm.ts";
import { wgslType } from "./_wgsl.ts";
import { LimitExceededError } from "./errors.ts";

/** The template's loads for `A` `[z, m, k]` (or `[z, k, m]`) and `B` `[z, k, n]` (or `[z, n, k]`). */
export function matmulLoads(t: string, ta: boolean, tb: boolean): string {
  const ia = ta ? "k * u32(p[2]) + r" : "r * u32(p[4]) + k";
  const ib = tb ? "c * u32(p[4]) + k" : "k * u32(p[3]) + c";
  return `
fn rowA(z: u32, r: u32) -> vec4<i32> { return vec4<i32>(i32(r), 0, 0, 0); }
fn loadA(z: u32, ri: vec4<i32>, k: u32) -> ${t} {
  let r = u32(ri.x);
  return A[u32(p[${P0}]) + z * u32(p[${P0 + 1}]) + ${ia}];
}
fn loadB(z: u32, k: u32, c: u32) -> ${t} {
  return B[u32(p[${P0 + 2}]) + z * u32(p[${P0 + 3}]) + ${ib}];
}`;
}

/** Builds the matmul kernel for `ctx`. */
export function matmulKernel(ctx: GpuContext): Kernel<Buf, "matmul"> {
  return ([a, b], { transposeA, transposeB }, out) => {
    const t = wgslType(out.dtype);
    const [ba, a1, a2] = a.shape;
    const [bb, b1, b2] = b.shape;
    const m = transposeA ? a2 : a1;
    const k = transposeA ? a1 : a2;
    const n = transposeB ? b1 : b2;
    const z = out.shape[0];
    return ctx.output(z * m * n * 4, (res) => {
      if (z * m * n === 0) return;
      const spec = {
        key: `matmul:${t}:${transposeA}:${transposeB}`,
        type: t,
        loads: matmulLoads(t, transposeA, transposeB),
      };
      const aBS = ba > 1 ? m * k : 0;
      const bBS = bb > 1 ? k * n : 0;
      const op = "webgpu matmul";
      const limit = ctx.limits.maxStorageBufferBindingSize;
      const slack = ctx.limits.minStorageBufferOffsetAlignment;
      const run = (z0: number, zc: number, r0: number, rc: number) => {
        const wa = ba > 1 || r0 > 0 || rc < m
          ? ctx.window(a.handle, z0 * aBS + r0 * k, (zc - 1) * aBS + rc * k)
          : { bind: ctx.whole(a.handle), delta: 0 };
        const wb = bb > 1
          ? ctx.window(b.handle, z0 * bBS, zc * k * n)
          : { bind: ctx.whole(b.handle), delta: 0 };
        const wo = ctx.window(res, z0 * m * n + r0 * n, (zc - 1) * m * n + rc * n);
        runGemm(
          ctx,
          op,
          spec,
          { z: zc, m: rc, n, k },
          { a: wa.bind, b: wb.bind, out: wo.bind, outDelta: wo.delta },
          [wa.delta, aBS, wb.delta, bBS],
        );
      };
      const fits = [a.handle, b.handle, res].every((h) => h.byteLength <= limit);
      if (fits) {
        run(0, z, 0, m);
        return;
      }
      ctx.noteSplit();
      // Batches per piece: every batched binding (and the unbatched ones whole) must fit.
      const perBatch = Math.max(aBS, bBS, m * n, 1) * 4;
      const aWhole = ba > 1 ? 0 : m * k * 4; // an unbatched A is bound whole
      const zb = aWhole > limit ? 0 : Math.floor((limit - slack) / perBatch);
      if (zb >= 1 && (bb > 1 || k * n * 4 <= limit)) {
        for (let z0 = 0; z0 < z; z0 += zb) run(z0, Math.min(zb, z - z0), 0, m);
        return;
      }
      // One batch is too large: split rows of the output (A's rows must be contiguous).
      const bBytes = k * n * 4 + slack;
      if (transposeA || bBytes > limit) {
        const need = transposeA ? m * k * 4 : bBytes;
        throw new LimitExceededError(op, "maxStorageBufferBindingSize", need, limit);
      }
      const rb = Math.floor((limit - slack) / (Math.max(k, n, 1) * 4));
      if (rb < 1) {
        throw new LimitExceededError(
          op,
          "maxStorageBufferBindingSize",
          Math.max(k, n) * 4 + slack,
          limit,
        );
      }
      for (let zi = 0; zi < z; zi++) {
        for (let r0 = 0; r0 < m; r0 += rb) run(zi, 1, r0, Math.min(rb, m - r0));
      }
    });
  };
}
