/**
 * The plain-JavaScript tiles of the matrix and convolution primitives, for every dtype (the
 * float64 and int32 paths, and float32 where the engine has no WebAssembly SIMD), plus `im2col`
 * and `col2im`. Each output element is one sum in doubles, in the scalar backend's order where
 * that is cheap, rounded to the output dtype once. Tiles are ranges of output rows.
 * @module
 */

import type { Helpers } from "./_helpers.ts";
import type { Job, TileEnv, Tiles } from "./_types.ts";

type Arr = Float32Array | Float64Array | Int32Array;

/** The JavaScript GEMM-family tiles. Self-contained: copied into the worker source. */
export function gemmJsTiles(env: TileEnv, h: Helpers): Tiles {
  const input = (job: Job, i: number): Arr => env.view(job.dt[i], job.ins[i], job.sizes[i]);
  const output = (job: Job): Arr => {
    const n = job.ins.length;
    return env.view(job.dt[n], job.out, job.sizes[n]);
  };
  return {
    matmulJs(job, t) {
      const a = input(job, 0), b = input(job, 1), out = output(job);
      const p = job.p as Record<string, number | boolean>;
      const m = p.m as number, k = p.k as number, n = p.n as number;
      const ba = p.ba as number, bb = p.bb as number;
      const [ars, acs] = p.transA ? [1, m] : [k, 1];
      const [brs, bcs] = p.transB ? [1, k] : [n, 1];
      if (n === 0) return;
      const acc = h.f64Scratch(n, 0);
      for (let u = job.starts[t] / n; u < job.starts[t + 1] / n; u++) {
        const z = Math.floor(u / m), i = u - z * m;
        const aBase = (ba === 1 ? 0 : z) * m * k + i * ars, bBase = (bb === 1 ? 0 : z) * k * n;
        acc.fill(0, 0, n);
        for (let q = 0; q < k; q++) {
          const v = a[aBase + q * acs], row = bBase + q * brs;
          for (let j = 0; j < n; j++) acc[j] += v * b[row + j * bcs];
        }
        for (let j = 0; j < n; j++) out[u * n + j] = acc[j];
      }
    },
    conv2dJs(job, t) {
      const x = input(job, 0), w = input(job, 1), out = output(job);
      const g = job.p as Record<string, number>;
      const { h: H, w: W, c: C, kh, kw, oh, ow, sh, sw, dh, dw, top, left, N } = g;
      if (N === 0) return;
      const acc = h.f64Scratch(N, 0);
      for (let pix = job.starts[t] / N; pix < job.starts[t + 1] / N; pix++) {
        const b = Math.floor(pix / (oh * ow)), i = Math.floor(pix / ow) % oh, j = pix % ow;
        acc.fill(0, 0, N);
        for (let p = 0; p < kh; p++) {
          const y = i * sh + p * dh - top;
          if (y < 0 || y >= H) continue;
          for (let q = 0; q < kw; q++) {
            const xx = j * sw + q * dw - left;
            if (xx < 0 || xx >= W) continue;
            const src = ((b * H + y) * W + xx) * C, wb = (p * kw + q) * C * N;
            for (let c = 0; c < C; c++) {
              const v = x[src + c], wr = wb + c * N;
              for (let o = 0; o < N; o++) acc[o] += v * w[wr + o];
            }
          }
        }
        for (let o = 0; o < N; o++) out[pix * N + o] = acc[o];
      }
    },
    convInputJs(job, t) {
      const dy = input(job, 0), w = input(job, 1), out = output(job);
      const g = job.p as Record<string, number>;
      const { h: H, w: W, c: C, kh, kw, oh, ow, sh, sw, dh, dw, top, left, N } = g;
      if (C === 0) return;
      const acc = h.f64Scratch(C, 0);
      for (let pix = job.starts[t] / C; pix < job.starts[t + 1] / C; pix++) {
        const b = Math.floor(pix / (H * W)), y = Math.floor(pix / W) % H, xx = pix % W;
        acc.fill(0, 0, C);
        for (let p = 0; p < kh; p++) {
          const iy = y + top - p * dh;
          if (iy < 0 || iy % sh !== 0 || iy / sh >= oh) continue;
          for (let q = 0; q < kw; q++) {
            const jx = xx + left - q * dw;
            if (jx < 0 || jx % sw !== 0 || jx / sw >= ow) continue;
            const d = ((b * oh + iy / sh) * ow + jx / sw) * N, wb = (p * kw + q) * C * N;
            for (let c = 0; c < C; c++) {
              const wr = wb + c * N;
              let s = 0;
              for (let o = 0; o < N; o++) s += dy[d + o] * w[wr + o];
              acc[c] += s;
            }
          }
        }
        for (let c = 0; c < C; c++) out[pix * C + c] = acc[c];
      }
    },
    convFilterJs(job, t) {
      const x = input(job, 0), dy = input(job, 1), out = output(job);
      const g = job.p as Record<string, number>;
      const { n, h: H, w: W, c: C, kw, oh, ow, sh, sw, dh, dw, top, left, N } = g;
      if (N === 0) return;
      const acc = h.f64Scratch(N, 0);
      for (let k = job.starts[t] / N; k < job.starts[t + 1] / N; k++) {
        const c = k % C, q = Math.floor(k / C) % kw, p = Math.floor(k / (C * kw));
        acc.fill(0, 0, N);
        for (let b = 0; b < n; b++) {
          for (let i = 0; i < oh; i++) {
            const y = i * sh + p * dh - top;
            if (y < 0 || y >= H) continue;
            for (let j = 0; j < ow; j++) {
              const xx = j * sw + q * dw - left;
              if (xx < 0 || xx >= W) continue;
              const v = x[((b * H + y) * W + xx) * C + c], d = ((b * oh + i) * ow + j) * N;
              for (let o = 0; o < N; o++) acc[o] += v * dy[d + o];
            }
          }
        }
        for (let o = 0; o < N; o++) out[k * N + o] = acc[o];
      }
    },
    im2col(job, t) {
      const x = input(job, 0), out = output(job);
      const g = job.p as Record<string, number>;
      const { h: H, w: W, c: C, kh, kw, oh, ow, sh, sw, dh, dw, top, left } = g;
      const K = kh * kw * C;
      if (K === 0) return;
      let o = job.starts[t];
      for (let r = job.starts[t] / K; r < job.starts[t + 1] / K; r++) {
        const b = Math.floor(r / (oh * ow)), i = Math.floor(r / ow) % oh, j = r % ow;
        for (let p = 0; p < kh; p++) {
          const y = i * sh + p * dh - top;
          for (let q = 0; q < kw; q++) {
            const xx = j * sw + q * dw - left;
            if (y < 0 || y >= H || xx < 0 || xx >= W) {
              for (let c = 0; c < C; c++) out[o++] = 0;
            } else {
              const src = ((b * H + y) * W + xx) * C;
              for (let c = 0; c < C; c++) out[o++] = x[src + c];
            }
          }
        }
      }
    },
    col2im(job, t) {
      const cols = input(job, 0), out = output(job);
      const g = job.p as Record<string, number>;
      const { h: H, w: W, c: C, kh, kw, oh, ow, sh, sw, dh, dw, top, left } = g;
      const K = kh * kw * C;
      if (C === 0) return;
      const acc = h.f64Scratch(C, 0);
      for (let pix = job.starts[t] / C; pix < job.starts[t + 1] / C; pix++) {
        const b = Math.floor(pix / (H * W)), y = Math.floor(pix / W) % H, xx = pix % W;
        acc.fill(0, 0, C);
        for (let p = 0; p < kh; p++) {
          const iy = y + top - p * dh;
          if (iy < 0 || iy % sh !== 0 || iy / sh >= oh) continue;
          for (let q = 0; q < kw; q++) {
            const jx = xx + left - q * dw;
            if (jx < 0 || jx % sw !== 0 || jx / sw >= ow) continue;
            const src = ((b * oh + iy / sh) * ow + jx / sw) * K + (p * kw + q) * C;
            for (let c = 0; c < C; c++) acc[c] += cols[src + c];
          }
        }
        for (let c = 0; c < C; c++) out[pix * C + c] = acc[c];
      }
    },
  };
}
