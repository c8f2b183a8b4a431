/**
 * The GEMM driver over the WebAssembly micro-kernels (`_gemm_wasm.ts`), as a self-contained
 * helper factory shared by the float32 tiles: B packing, the blocked `C (+)= A B` loop over a row
 * table and a tap list, zero-padded bands of image rows, and tap merging.
 * @module
 */

import type { TileCtx, TileEnv } from "./_types.ts";

/** Reduction steps per block of the driver. */
export const KC = 512;
/** Output pixels per convolution chunk. */
export const CHUNK_PIXELS = 512;

/** The panel layout of a packed `K x N` matrix: byte offsets, vectors and tail lanes. */
export interface Panels {
  /** Byte offset of each panel. */
  readonly off: number[];
  /** Vectors (of 4 floats) per row of each panel. */
  readonly nv: number[];
  /** Valid lanes of each panel's last vector (0: all four). */
  readonly tail: number[];
  /** Total bytes. */
  readonly bytes: number;
}

/** Computes the panel layout for `K` rows, `N` columns and panels of `nr` floats. */
export function panelLayout(K: number, N: number, nr: number): Panels {
  const off: number[] = [], nv: number[] = [], tail: number[] = [];
  let bytes = 0;
  for (let j = 0; j < N; j += nr) {
    const w = Math.min(nr, N - j);
    off.push(bytes);
    nv.push(Math.ceil(w / 4));
    tail.push(w % 4);
    bytes += K * 16 * Math.ceil(w / 4);
  }
  return { off, nv, tail, bytes };
}

/** Geometry of a virtual image read through a band (see {@linkcode GemmDriver.band}). */
export interface BandGeom {
  /** Source image height, width and channels. */
  readonly Hs: number;
  readonly Ws: number;
  readonly C: number;
  /** Padding above and left (negative crops). */
  readonly top: number;
  readonly left: number;
  /** Band width in pixels. */
  readonly Wb: number;
}

/** The driver. */
export interface GemmDriver {
  /** The panel layout for `K x N` with this thread's panel width. */
  layout(K: number, N: number): Panels;
  /**
   * Packs B (`K x N` at byte address `src`, rows `lds` bytes apart, columns `cs` bytes apart)
   * into panels at byte address `dst`.
   */
  pack(src: number, lds: number, cs: number, K: number, N: number, dst: number, lay: Panels): void;
  /** Packs B once per job, thread and `key` (kept in `ctx.state`); returns the layout. */
  packOnce(ctx: TileCtx, key: number, K: number, N: number, doPack: (lay: Panels) => void): Panels;
  /**
   * `C (+)= A B` for `rows` rows: row table at byte `rowTab`, taps (flat `[byteOffset, length]`
   * pairs, `K` steps in all, `astride` bytes apart within a tap), packed B at `b`, C at `c` with
   * rows `ldc` bytes apart; `tapBuf` is scratch for per-block tap lists. `C` is overwritten
   * (zeroed when `K` is 0).
   */
  run(
    rowTab: number,
    rows: number,
    taps: readonly number[],
    K: number,
    astride: number,
    b: number,
    lay: Panels,
    c: number,
    ldc: number,
    tapBuf: number,
  ): void;
  /**
   * Writes rows `[vy0, vy0 + rows)` of image `b` of a virtual image into the band at float index
   * `dst` (`Wb * C` floats per row): virtual pixel `(vy, vx)` is source pixel
   * `(vy - top, vx - left)`, or zeros outside the source.
   */
  band(g: BandGeom, src: number, b: number, vy0: number, rows: number, dst: number): void;
  /**
   * Merges consecutive taps that continue each other; a run of one-element taps at a uniform
   * distance becomes one tap with that stride. Returns the taps and the stride.
   */
  mergeTaps(taps: readonly number[], astride: number): { taps: number[]; astride: number };
}

/** Builds the driver for a thread. Self-contained: copied into the worker source. */
export function gemmDriver(env: TileEnv): GemmDriver {
  const MR = env.mr, NR = 4 * env.nv, KCB = 512, MCB = 192;
  type Kern = (...args: number[]) => void;
  const kernels: (Kern | undefined)[] = [];
  const kern = (mr: number, nv: number, tail: number, strided: boolean): Kern => {
    const key = ((strided ? 1 : 0) * 16 + mr) * 64 + nv * 4 + tail;
    let k = kernels[key];
    if (k === undefined) {
      k = env.wasm![`gemm${strided ? "s" : ""}_${mr}_${nv}_${tail}`];
      kernels[key] = k;
    }
    return k;
  };
  const layout = (K: number, N: number) => {
    const off: number[] = [], nv: number[] = [], tail: number[] = [];
    let bytes = 0;
    for (let j = 0; j < N; j += NR) {
      const w = Math.min(NR, N - j);
      off.push(bytes);
      nv.push(Math.ceil(w / 4));
      tail.push(w % 4);
      bytes += K * 16 * Math.ceil(w / 4);
    }
    return { off, nv, tail, bytes };
  };
  const driver: GemmDriver = {
    layout,
    pack(src, lds, cs, K, N, dst, lay) {
      const pk = env.wasm!.pack;
      for (let p = 0; p < lay.off.length; p++) {
        const w = Math.min(NR, N - p * NR);
        pk(dst + lay.off[p], src + p * NR * cs, lds, cs, K, w, 4 * lay.nv[p]);
      }
    },
    packOnce(ctx, key, K, N, doPack) {
      let lay = ctx.state.lay as ReturnType<typeof layout> | undefined;
      if (lay === undefined || ctx.state.key !== key) {
        lay = layout(K, N);
        doPack(lay);
        ctx.state.lay = lay;
        ctx.state.key = key;
      }
      return lay;
    },
    run(rowTab, rows, taps, K, astride, b, lay, c, ldc, tapBuf) {
      const i32 = env.mem().i32;
      if (K === 0) {
        env.mem().f32.fill(0, c >> 2, (c >> 2) + rows * (ldc >> 2));
        return;
      }
      const strided = astride !== 4;
      // Reduction blocks of at most KCB steps, of even sizes (multiples of 4).
      const kstep = Math.ceil(K / Math.ceil(K / KCB) / 4) * 4;
      for (let k0 = 0; k0 < K; k0 += kstep) {
        const k1 = Math.min(K, k0 + kstep);
        let nt = 0, pos = 0;
        for (let t = 0; t < taps.length && pos < k1; t += 2) {
          const len = taps[t + 1], lo = Math.max(k0, pos), hi = Math.min(k1, pos + len);
          if (lo < hi) {
            i32[(tapBuf >> 2) + 2 * nt] = taps[t] + (lo - pos) * astride;
            i32[(tapBuf >> 2) + 2 * nt + 1] = hi - lo;
            nt++;
          }
          pos += len;
        }
        const acc = k0 > 0 ? 1 : 0;
        // Row blocks of at most MCB rows, of even sizes (multiples of MR).
        const blocks = Math.ceil(rows / MCB), step = Math.ceil(rows / blocks / MR) * MR;
        for (let m0 = 0; m0 < rows; m0 += step) {
          const mc = Math.min(step, rows - m0),
            groups = Math.floor(mc / MR),
            rem = mc - groups * MR;
          const rt = rowTab + m0 * 4, cm = c + m0 * ldc;
          for (let p = 0; p < lay.off.length; p++) {
            const nv = lay.nv[p], tail = lay.tail[p];
            const bp = b + lay.off[p] + k0 * 16 * nv, cp = cm + p * NR * 4;
            if (groups > 0) {
              kern(MR, nv, tail, strided)(rt, groups, tapBuf, nt, bp, cp, ldc, acc, astride);
            }
            if (rem > 0) {
              const rr = rt + groups * MR * 4, cr = cp + groups * MR * ldc;
              kern(rem, nv, tail, strided)(rr, 1, tapBuf, nt, bp, cr, ldc, acc, astride);
            }
          }
        }
      }
    },
    band(g, src, b, vy0, rows, dst) {
      const f32 = env.mem().f32;
      const { Hs, Ws, C, top, left, Wb } = g;
      const rs = Wb * C;
      const a = Math.min(Wb, Math.max(0, left)), e = Math.max(a, Math.min(Wb, left + Ws));
      for (let r = 0; r < rows; r++) {
        const u = vy0 + r - top, d = dst + r * rs;
        if (u < 0 || u >= Hs) {
          f32.fill(0, d, d + rs);
          continue;
        }
        const srcRow = src + (b * Hs + u) * Ws * C;
        f32.fill(0, d, d + a * C);
        f32.copyWithin(d + a * C, srcRow + (a - left) * C, srcRow + (e - left) * C);
        f32.fill(0, d + e * C, d + rs);
      }
    },
    mergeTaps(taps, astride) {
      const n = taps.length / 2;
      if (n >= 2) {
        let unit = true;
        const d = taps[2] - taps[0];
        for (let t = 0; t < n && unit; t++) {
          unit = taps[2 * t + 1] === 1 && (t === 0 || taps[2 * t] - taps[2 * t - 2] === d);
        }
        if (unit && d > 0) return { taps: [taps[0], n], astride: d };
      }
      const out: number[] = [];
      for (let t = 0; t < taps.length; t += 2) {
        const last = out.length - 2;
        if (last >= 0 && taps[t] === out[last] + out[last + 1] * astride) {
          out[last + 1] += taps[t + 1];
        } else {
          out.push(taps[t], taps[t + 1]);
        }
      }
      return { taps: out, astride };
    },
  };
  return driver;
}
