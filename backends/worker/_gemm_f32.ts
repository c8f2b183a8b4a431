/**
 * The float32 tiles built on the GEMM driver (`_gemm_driver.ts`):
 *
 * - `matmulF32`: tiles of output rows; A read in place (a strided A for `transposeA`), B packed.
 * - `convF32`: `conv2d` as an implicit GEMM, tiles of output rows. A's rows are read straight
 *   from the image (or from zero-padded bands of rows in scratch when there is padding), one tap
 *   per filter row (per tap when dilated): no patch matrix. A chunk of rows may span images.
 * - `convInputF32`: `conv2dBackpropInput` as `col2im(dy W^T)`, tiles of input-gradient rows:
 *   each tile computes the patch-matrix rows of the `dy` rows that reach it, a chunk at a time,
 *   and adds them into its own rows only.
 * - `convFilterF32`: `conv2dBackpropFilter` as `im2col(x)^T dy`, tiles of filter rows
 *   `(p, q, c)`. A's rows are the filter taps read with a stride from the (padded) image; B is
 *   `dy`, packed once per job and thread.
 * @module
 */

import type { Helpers } from "./_helpers.ts";
import type { TileEnv, Tiles } from "./_types.ts";

/** The float32 GEMM tiles. Self-contained: copied into the worker source. */
export function gemmF32Tiles(env: TileEnv, h: Helpers): Tiles {
  return {
    matmulF32(job, t, ctx) {
      const p = job.p as Record<string, number | boolean>;
      const m = p.m as number, k = p.k as number, n = p.n as number;
      const ba = p.ba as number, bb = p.bb as number;
      const transA = p.transA as boolean, transB = p.transB as boolean;
      const i32 = env.mem().i32;
      const [A, B] = job.ins;
      const sB = ctx.scratch, sRows = ctx.scratch + (p.sRows as number);
      const sTaps = ctx.scratch + (p.sTaps as number);
      if (n === 0) return;
      const u1 = job.starts[t + 1] / n;
      for (let u = job.starts[t] / n; u < u1;) {
        const z = Math.floor(u / m), i0 = u - z * m, i1 = Math.min(m, i0 + (u1 - u), i0 + 1024);
        const za = ba === 1 ? 0 : z, zb = bb === 1 ? 0 : z;
        const bBase = B + zb * k * n * 4;
        const lay = h.packOnce(ctx, zb, k, n, (l) => {
          if (transB) h.pack(bBase, 4, k * 4, k, n, sB, l);
          else h.pack(bBase, n * 4, 4, k, n, sB, l);
        });
        for (let i = i0; i < i1; i++) {
          i32[(sRows >> 2) + i - i0] = transA ? A + (za * k * m + i) * 4 : A + (za * m + i) * k * 4;
        }
        const c = job.out + u * n * 4, astride = transA && m > 1 ? m * 4 : 4;
        h.run(sRows, i1 - i0, [0, k], k, astride, sB, lay, c, n * 4, sTaps);
        u += i1 - i0;
      }
    },
    convF32(job, t, ctx) {
      const p = job.p as Record<string, number>;
      const i32 = env.mem().i32;
      const { oh, ow, sh, sw, dh, dw, kh, kw, C, N, K, Wb, Hs, Ws, direct, chunkRows } = p;
      const [src, w] = job.ins;
      const sRows = ctx.scratch + p.sRows, sTaps = ctx.scratch + p.sTaps;
      const sBand = ctx.scratch + p.sBand;
      const lay = h.packOnce(ctx, 0, K, N, (l) => h.pack(w, N * 4, 4, K, N, ctx.scratch, l));
      const per = ow * N;
      if (per === 0) return;
      const rs = direct ? Ws * C : Wb * C;
      const taps: number[] = [];
      for (let pp = 0; pp < kh; pp++) {
        if (dw === 1) {
          taps.push(pp * dh * rs * 4, kw * C);
        } else {
          for (let q = 0; q < kw; q++) taps.push((pp * dh * rs + q * dw * C) * 4, C);
        }
      }
      const u1 = job.starts[t + 1] / per, u0 = job.starts[t] / per;
      // Chunks of even sizes, at most chunkRows rows each.
      const step = Math.ceil((u1 - u0) / Math.ceil((u1 - u0) / chunkRows));
      for (let u = u0; u < u1;) {
        const ue = Math.min(u1, u + step);
        let r = sRows >> 2, band = sBand;
        for (let uu = u; uu < ue;) {
          const b = Math.floor(uu / oh), i0 = uu - b * oh, i1 = Math.min(oh, i0 + (ue - uu));
          let base: number;
          if (direct) {
            base = src + (b * Hs + i0 * sh) * Ws * C * 4;
          } else {
            const rowsB = (i1 - i0 - 1) * sh + (kh - 1) * dh + 1;
            h.band(
              p as unknown as Parameters<Helpers["band"]>[0],
              src >> 2,
              b,
              i0 * sh,
              rowsB,
              band >> 2,
            );
            base = band;
            band += rowsB * rs * 4;
          }
          for (let i = i0; i < i1; i++) {
            const rowBase = base + (i - i0) * sh * rs * 4;
            for (let j = 0; j < ow; j++) i32[r++] = rowBase + j * sw * C * 4;
          }
          uu += i1 - i0;
        }
        h.run(
          sRows,
          (ue - u) * ow,
          taps,
          K,
          4,
          ctx.scratch,
          lay,
          job.out + u * per * 4,
          N * 4,
          sTaps,
        );
        u = ue;
      }
    },
    convInputF32(job, t, ctx) {
      const p = job.p as Record<string, number>;
      const { f32, i32 } = env.mem();
      const { h: H, w: W, c: C, kh, kw, oh, ow, sh, sw, dh, dw, top, left, N, K, chunkRows } = p;
      const add2d = env.wasm!.add2d;
      const [dy, w] = job.ins;
      const sRows = ctx.scratch + p.sRows, sTaps = ctx.scratch + p.sTaps;
      const sCols = ctx.scratch + p.sCols;
      // B = W^T: row o (an output channel) holds w[kk, o] for every patch column kk.
      const lay = h.packOnce(ctx, 0, N, K, (l) => h.pack(w, 4, N * 4, N, K, ctx.scratch, l));
      const per = W * C;
      if (per === 0) return;
      const u0 = job.starts[t] / per, u1 = job.starts[t + 1] / per;
      const out = job.out >> 2;
      f32.fill(0, out + u0 * per, out + u1 * per);
      // The dy rows (b, i) that reach input rows [u0, u1), image by image.
      const dyRows: number[] = [];
      for (let b = Math.floor(u0 / H); b * H < u1; b++) {
        const ya = Math.max(0, u0 - b * H), yb = Math.min(H, u1 - b * H);
        const lo = Math.max(0, Math.ceil((ya + top - (kh - 1) * dh) / sh));
        const hi = Math.min(oh - 1, Math.floor((yb - 1 + top) / sh));
        for (let i = lo; i <= hi; i++) dyRows.push(b * oh + i);
      }
      const lo = u0 * per, hi = u1 * per;
      for (let c0 = 0; c0 < dyRows.length; c0 += chunkRows) {
        const c1 = Math.min(dyRows.length, c0 + chunkRows);
        let r = sRows >> 2;
        for (let q = c0; q < c1; q++) {
          for (let j = 0; j < ow; j++) i32[r++] = dy + (dyRows[q] * ow + j) * N * 4;
        }
        h.run(sRows, (c1 - c0) * ow, [0, N], N, 4, ctx.scratch, lay, sCols, K * 4, sTaps);
        // Scatter-add the patch rows into this tile's input-gradient rows: per dy row and tap,
        // one strided add over the columns j whose target lies in the image.
        for (let q = c0; q < c1; q++) {
          const b = Math.floor(dyRows[q] / oh), i = dyRows[q] - b * oh;
          const rowCols = sCols + (q - c0) * ow * K * 4;
          for (let pp = 0; pp < kh; pp++) {
            const y = i * sh + pp * dh - top;
            if (y < 0 || y >= H || (b * H + y) * per < lo || (b * H + y) * per >= hi) continue;
            for (let qq = 0; qq < kw; qq++) {
              const x0 = qq * dw - left; // target column of j = 0
              const j0 = Math.max(0, Math.ceil(-x0 / sw));
              const j1 = Math.min(ow, Math.floor((W - 1 - x0) / sw) + 1);
              if (j0 >= j1) continue;
              const dst = job.out + ((b * H + y) * W + j0 * sw + x0) * C * 4;
              const src = rowCols + (j0 * K + (pp * kw + qq) * C) * 4;
              add2d(dst, sw * C * 4, src, K * 4, j1 - j0, C);
            }
          }
        }
      }
    },
    convFilterPartF32(job, t, ctx) {
      const p = job.p as Record<string, number>;
      const i32 = env.mem().i32;
      const { n, h: H, w: W, C, kw, oh, ow, sh, sw, dh, dw, N, K, Hb, Wb, direct } = p;
      const [x, dy] = job.ins;
      const sRows = ctx.scratch + p.sRows, sTaps = ctx.scratch + p.sTaps;
      const sBand = ctx.scratch + p.sBand;
      const rs = direct ? W * C : Wb * C, img = direct ? H * W * C : Hb * Wb * C;
      const base = direct ? x : sBand;
      if (ctx.state.rows === undefined) {
        // Once per job and thread: the padded image (if any) and the row table of every filter row.
        if (!direct) {
          const g = { Hs: H, Ws: W, C, top: p.top, left: p.left, Wb };
          for (let b = 0; b < n; b++) h.band(g, x >> 2, b, 0, Hb, (sBand >> 2) + b * img);
        }
        for (let k = 0, r = sRows >> 2; k < K; k++) {
          const ch = k % C, q = Math.floor(k / C) % kw, pp = Math.floor(k / (C * kw));
          i32[r++] = base + (pp * dh * rs + q * dw * C + ch) * 4;
        }
        ctx.state.rows = true;
      }
      // This tile's output rows (b, i) in [u0, u1): pixels [u0 ow, u1 ow) of the reduction.
      const u0 = job.starts[t], u1 = job.starts[t + 1], P = (u1 - u0) * ow;
      const c = job.part! + t * K * N * 4;
      const lay = h.layout(P, N);
      h.pack(dy + u0 * ow * N * 4, N * 4, 4, P, N, ctx.scratch, lay);
      const taps: number[] = [];
      for (let u = u0; u < u1; u++) {
        const b = Math.floor(u / oh), i = u - b * oh;
        taps.push((b * img + i * sh * rs) * 4, ow);
      }
      const m = h.mergeTaps(taps, sw * C * 4);
      h.run(sRows, K, m.taps, P, m.astride, ctx.scratch, lay, c, N * 4, sTaps);
    },
    convFilterF32(job, t, ctx) {
      const p = job.p as Record<string, number>;
      const i32 = env.mem().i32;
      const { n, h: H, w: W, C, kw, oh, ow, sh, sw, dh, dw, N, Hb, Wb, direct } = p;
      const [x, dy] = job.ins;
      const sRows = ctx.scratch + p.sRows, sTaps = ctx.scratch + p.sTaps;
      const sBand = ctx.scratch + p.sBand;
      const P = n * oh * ow;
      const rs = direct ? W * C : Wb * C, img = direct ? H * W * C : Hb * Wb * C;
      const base = direct ? x : sBand;
      const lay = h.packOnce(ctx, 0, P, N, (l) => {
        h.pack(dy, N * 4, 4, P, N, ctx.scratch, l);
        if (!direct) {
          const g = { Hs: H, Ws: W, C, top: p.top, left: p.left, Wb };
          for (let b = 0; b < n; b++) h.band(g, x >> 2, b, 0, Hb, (sBand >> 2) + b * img);
        }
      });
      if (N === 0) return;
      const k0 = job.starts[t] / N, k1 = job.starts[t + 1] / N;
      let r = sRows >> 2;
      for (let k = k0; k < k1; k++) {
        const ch = k % C, q = Math.floor(k / C) % kw, pp = Math.floor(k / (C * kw));
        i32[r++] = base + (pp * dh * rs + q * dw * C + ch) * 4;
      }
      const taps: number[] = [];
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < oh; i++) taps.push((b * img + i * sh * rs) * 4, ow);
      }
      const m = h.mergeTaps(taps, sw * C * 4);
      h.run(
        sRows,
        k1 - k0,
        m.taps,
        P,
        m.astride,
        ctx.scratch,
        lay,
        job.out + k0 * N * 4,
        N * 4,
        sTaps,
      );
    },
  };
}
