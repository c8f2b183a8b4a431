/**
 * Small float32 SIMD kernels besides the GEMM: packing B panels, the strided add that scatters
 * patch rows back (col2im), and max pooling forward and backward over one output row. Channels
 * are the vector axis (4 at a time, scalar code for the rest).
 * @module
 */

import { Code, type FuncDef, SIMD } from "./_wasm.ts";

const I32 = {
  eqz: 0x45,
  eq: 0x46,
  ltS: 0x48,
  ltU: 0x49,
  geS: 0x4e,
  geU: 0x4f,
  add: 0x6a,
  sub: 0x6b,
  mul: 0x6c,
  and: 0x71,
  shl: 0x74,
  shrU: 0x76,
} as const;
const F32 = { gt: 0x5e, add: 0x92 } as const;
const SELECT = 0x1b;
const V = { i32x4Splat: 0x11, i32x4ExtractLane: 0x1b, i32x4Add: 0xae, pmax: 0xeb } as const;

/** `for (i = 0; i < n; i++) body()` with `i` a fresh local; `n` a local. */
function loop(f: Code, n: number, body: (i: number) => void): void {
  const i = f.local("i32");
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(n).raw(I32.geS).brIf(1);
  body(i);
  f.addTo(i, 1).br(0);
  f.end().end();
}

/**
 * `pack(dst, src, lds, cs, K, w, width)`: for each of `K` rows, copies `w` floats (`cs` bytes
 * apart, rows `lds` bytes apart) from `src` into `width` floats at `dst` (rows contiguous),
 * zero-filling lanes `w..width`. Contiguous rows (`cs` 4) are copied a vector at a time; other
 * layouts column by column, so the reads run along the source's contiguous axis.
 */
function pack(): FuncDef {
  const P = { dst: 0, src: 1, lds: 2, cs: 3, K: 4, w: 5, width: 6 };
  const f = new Code(7);
  const s = f.local("i32"), d = f.local("i32"), j = f.local("i32"), rowBytes = f.local("i32");
  f.get(P.width).i32(2).raw(I32.shl).set(rowBytes);
  f.get(P.cs).i32(4).raw(I32.eq).if();
  loop(f, P.K, (k) => {
    f.get(P.src).get(k).get(P.lds).raw(I32.mul).raw(I32.add).set(s);
    f.get(P.dst).get(k).get(rowBytes).raw(I32.mul).raw(I32.add).set(d);
    f.i32(0).set(j);
    // Whole vectors.
    f.block().loop();
    f.get(j).i32(4).raw(I32.add).get(P.w).raw(0x4a).brIf(1); // j + 4 > w (i32.gt_s)
    f.get(d).get(j).i32(2).raw(I32.shl).raw(I32.add);
    f.get(s).get(j).i32(2).raw(I32.shl).raw(I32.add).simdMem(SIMD.load, 0, 0);
    f.simdMem(SIMD.store, 0, 0);
    f.addTo(j, 4).br(0);
    f.end().end();
    // The rest, then zeros.
    f.block().loop();
    f.get(j).get(P.width).raw(I32.geS).brIf(1);
    f.get(j).get(P.w).raw(I32.ltS).if();
    f.get(d).get(j).i32(2).raw(I32.shl).raw(I32.add);
    f.get(s).get(j).i32(2).raw(I32.shl).raw(I32.add).f32Load().f32Store();
    f.else();
    f.get(d).get(j).i32(2).raw(I32.shl).raw(I32.add).raw(0x43, 0, 0, 0, 0).f32Store();
    f.end();
    f.addTo(j, 1).br(0);
    f.end().end();
  });
  f.else();
  loop(f, P.width, (jj) => {
    f.get(P.src).get(jj).get(P.cs).raw(I32.mul).raw(I32.add).set(s);
    f.get(P.dst).get(jj).i32(2).raw(I32.shl).raw(I32.add).set(d);
    loop(f, P.K, () => {
      f.get(jj).get(P.w).raw(I32.ltS).if();
      f.get(d).get(s).f32Load().f32Store();
      f.else();
      f.get(d).raw(0x43, 0, 0, 0, 0).f32Store();
      f.end();
      f.get(s).get(P.lds).raw(I32.add).set(s);
      f.get(d).get(rowBytes).raw(I32.add).set(d);
    });
  });
  f.end();
  return { name: "pack", params: new Array(7).fill("i32"), code: f };
}

/**
 * `add2d(dst, ds, src, ss, count, C)`: for `j < count`, adds `C` floats at `src + j ss` into
 * `C` floats at `dst + j ds` (byte addresses and steps).
 */
function add2d(): FuncDef {
  const P = { dst: 0, ds: 1, src: 2, ss: 3, count: 4, C: 5 };
  const f = new Code(6);
  const d = f.local("i32"), s = f.local("i32"), n4 = f.local("i32"), c = f.local("i32");
  f.get(P.C).i32(2).raw(I32.shrU).set(n4);
  loop(f, P.count, (j) => {
    f.get(P.dst).get(j).get(P.ds).raw(I32.mul).raw(I32.add).set(d);
    f.get(P.src).get(j).get(P.ss).raw(I32.mul).raw(I32.add).set(s);
    loop(f, n4, () => {
      f.get(d).get(d).simdMem(SIMD.load, 0, 0).get(s).simdMem(SIMD.load, 0, 0)
        .simd(SIMD.f32x4Add).simdMem(SIMD.store, 0, 0);
      f.addTo(d, 16).addTo(s, 16);
    });
    f.get(n4).i32(2).raw(I32.shl).set(c);
    f.block().loop();
    f.get(c).get(P.C).raw(I32.geS).brIf(1);
    f.get(d).get(d).f32Load().get(s).f32Load().raw(F32.add).f32Store();
    f.addTo(d, 4).addTo(s, 4).addTo(c, 1).br(0);
    f.end().end();
  });
  return { name: "add2d", params: new Array(6).fill("i32"), code: f };
}

/**
 * `maxpoolRow(dst, src, ow, C, y0, y1, xs, rowBytes)`: one output row of max pooling. `src` is
 * the image's first pixel, rows `rowBytes` apart; output pixel `j` is the channel-wise max over
 * rows `[y0, y1)` and columns `[xs[2j], xs[2j+1])` (int32 pairs at `xs`), or 0 for an empty
 * window. Ties and NaN keep the first cell, as `if (v > m) m = v` does.
 */
function maxpoolRow(): FuncDef {
  const P = { dst: 0, src: 1, ow: 2, C: 3, y0: 4, y1: 5, xs: 6, rowBytes: 7 };
  const f = new Code(8);
  const x0 = f.local("i32"), x1 = f.local("i32"), first = f.local("i32"), o = f.local("i32");
  const n4 = f.local("i32"), pix = f.local("i32"), cell = f.local("i32");
  const m = f.local("v128"), ms = f.local("f32"), v = f.local("f32");
  f.get(P.C).i32(2).raw(I32.shrU).set(n4);
  f.get(P.C).i32(2).raw(I32.shl).set(pix);
  loop(f, P.ow, (j) => {
    f.get(P.xs).get(j).i32(3).raw(I32.shl).raw(I32.add).i32Load(0).set(x0);
    f.get(P.xs).get(j).i32(3).raw(I32.shl).raw(I32.add).i32Load(4).set(x1);
    f.get(P.dst).get(j).get(pix).raw(I32.mul).raw(I32.add).set(o);
    // Empty window: zeros.
    f.get(P.y0).get(P.y1).raw(I32.geS).get(x0).get(x1).raw(I32.geS).raw(0x72).if(); // i32.or
    loop(f, P.C, (c) => {
      f.get(o).get(c).i32(2).raw(I32.shl).raw(I32.add).raw(0x43, 0, 0, 0, 0).f32Store();
    });
    f.else();
    f.get(P.src).get(P.y0).get(P.rowBytes).raw(I32.mul).raw(I32.add)
      .get(x0).get(pix).raw(I32.mul).raw(I32.add).set(first);
    const cellsVisit = (body: () => void) => {
      const y = f.local("i32"), x = f.local("i32");
      f.get(P.y0).set(y);
      f.block().loop();
      f.get(y).get(P.y1).raw(I32.geS).brIf(1);
      f.get(x0).set(x);
      f.block().loop();
      f.get(x).get(x1).raw(I32.geS).brIf(1);
      f.get(P.src).get(y).get(P.rowBytes).raw(I32.mul).raw(I32.add)
        .get(x).get(pix).raw(I32.mul).raw(I32.add).set(cell);
      body();
      f.addTo(x, 1).br(0);
      f.end().end();
      f.addTo(y, 1).br(0);
      f.end().end();
    };
    loop(f, n4, (q) => {
      const off = f.local("i32");
      f.get(q).i32(4).raw(I32.shl).set(off);
      f.get(first).get(off).raw(I32.add).simdMem(SIMD.load, 0, 0).set(m);
      cellsVisit(() => {
        f.get(m).get(cell).get(off).raw(I32.add).simdMem(SIMD.load, 0, 0).simd(V.pmax).set(m);
      });
      f.get(o).get(off).raw(I32.add).get(m).simdMem(SIMD.store, 0, 0);
    });
    const c = f.local("i32");
    f.get(n4).i32(2).raw(I32.shl).set(c);
    f.block().loop();
    f.get(c).get(P.C).raw(I32.geS).brIf(1);
    const off = f.local("i32");
    f.get(c).i32(2).raw(I32.shl).set(off);
    f.get(first).get(off).raw(I32.add).f32Load().set(ms);
    cellsVisit(() => {
      f.get(cell).get(off).raw(I32.add).f32Load().set(v);
      f.get(v).get(ms).get(v).get(ms).raw(F32.gt).raw(SELECT).set(ms);
    });
    f.get(o).get(off).raw(I32.add).get(ms).f32Store();
    f.addTo(c, 1).br(0);
    f.end().end();
    f.end(); // if
  });
  return { name: "maxpoolRow", params: new Array(8).fill("i32"), code: f };
}

/**
 * `maxpoolBackRow(dx, lo, hi, src, dy, ow, C, y0, y1, xs, rowBytes)`: the VJP of one output row
 * of max pooling. For each window (as in `maxpoolRow`) and channel, finds the first max cell and
 * adds the `dy` value (row of `ow * C` floats at `dy`) into `dx` at the same offset from `dx` as
 * the cell has from `src`, when that offset lies in `[lo, hi)` (bytes).
 */
function maxpoolBackRow(): FuncDef {
  const P = { dx: 0, lo: 1, hi: 2, src: 3, dy: 4, ow: 5, C: 6, y0: 7, y1: 8, xs: 9, rowBytes: 10 };
  const f = new Code(11);
  const x0 = f.local("i32"), x1 = f.local("i32"), first = f.local("i32"), g = f.local("i32");
  const n4 = f.local("i32"), pix = f.local("i32"), cell = f.local("i32");
  const best = f.local("v128"), widx = f.local("v128"), v = f.local("v128"), mask = f.local("v128");
  const lanes = f.local("v128");
  const bs = f.local("f32"), vs = f.local("f32"), ws = f.local("i32"), at = f.local("i32");
  f.get(P.C).i32(2).raw(I32.shrU).set(n4);
  f.get(P.C).i32(2).raw(I32.shl).set(pix);
  // lanes = [0, 4, 8, 12]
  f.simd(SIMD.const, 0, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0).set(lanes);
  /** Adds dy (at byte `dyAt`) into dx at source offset `ws` when in [lo, hi). */
  const route = (dyAt: () => void) => {
    f.get(ws).get(P.src).raw(I32.sub).set(at);
    f.get(at).get(P.lo).raw(I32.geU).get(at).get(P.hi).raw(I32.ltU).raw(I32.and).if();
    f.get(P.dx).get(at).raw(I32.add);
    f.get(P.dx).get(at).raw(I32.add).f32Load();
    dyAt();
    f.f32Load().raw(F32.add).f32Store();
    f.end();
  };
  loop(f, P.ow, (j) => {
    f.get(P.xs).get(j).i32(3).raw(I32.shl).raw(I32.add).i32Load(0).set(x0);
    f.get(P.xs).get(j).i32(3).raw(I32.shl).raw(I32.add).i32Load(4).set(x1);
    f.get(P.dy).get(j).get(pix).raw(I32.mul).raw(I32.add).set(g);
    f.get(P.y0).get(P.y1).raw(I32.ltS).get(x0).get(x1).raw(I32.ltS).raw(I32.and).if();
    f.get(P.src).get(P.y0).get(P.rowBytes).raw(I32.mul).raw(I32.add)
      .get(x0).get(pix).raw(I32.mul).raw(I32.add).set(first);
    const cellsVisit = (body: () => void) => {
      const y = f.local("i32"), x = f.local("i32");
      f.get(P.y0).set(y);
      f.block().loop();
      f.get(y).get(P.y1).raw(I32.geS).brIf(1);
      f.get(x0).set(x);
      f.block().loop();
      f.get(x).get(x1).raw(I32.geS).brIf(1);
      f.get(P.src).get(y).get(P.rowBytes).raw(I32.mul).raw(I32.add)
        .get(x).get(pix).raw(I32.mul).raw(I32.add).set(cell);
      body();
      f.addTo(x, 1).br(0);
      f.end().end();
      f.addTo(y, 1).br(0);
      f.end().end();
    };
    loop(f, n4, (q) => {
      const off = f.local("i32");
      f.get(q).i32(4).raw(I32.shl).set(off);
      f.get(first).get(off).raw(I32.add).simdMem(SIMD.load, 0, 0).set(best);
      f.get(first).get(off).raw(I32.add).simd(V.i32x4Splat).get(lanes).simd(V.i32x4Add).set(widx);
      cellsVisit(() => {
        f.get(cell).get(off).raw(I32.add).simdMem(SIMD.load, 0, 0).set(v);
        f.get(v).get(best).simd(SIMD.f32x4Gt).set(mask);
        f.get(v).get(best).get(mask).simd(SIMD.bitselect).set(best);
        f.get(cell).get(off).raw(I32.add).simd(V.i32x4Splat).get(lanes).simd(V.i32x4Add)
          .get(widx).get(mask).simd(SIMD.bitselect).set(widx);
      });
      for (let l = 0; l < 4; l++) {
        f.get(widx).simd(V.i32x4ExtractLane, l).set(ws);
        route(() => f.get(g).get(off).raw(I32.add).i32(4 * l).raw(I32.add));
      }
    });
    const c = f.local("i32");
    f.get(n4).i32(2).raw(I32.shl).set(c);
    f.block().loop();
    f.get(c).get(P.C).raw(I32.geS).brIf(1);
    const off = f.local("i32");
    f.get(c).i32(2).raw(I32.shl).set(off);
    f.get(first).get(off).raw(I32.add).f32Load().set(bs);
    f.get(first).get(off).raw(I32.add).set(ws);
    cellsVisit(() => {
      f.get(cell).get(off).raw(I32.add).f32Load().set(vs);
      f.get(vs).get(bs).raw(F32.gt).if();
      f.get(vs).set(bs);
      f.get(cell).get(off).raw(I32.add).set(ws);
      f.end();
    });
    route(() => f.get(g).get(off).raw(I32.add));
    f.addTo(c, 1).br(0);
    f.end().end();
    f.end(); // if
  });
  return { name: "maxpoolBackRow", params: new Array(11).fill("i32"), code: f };
}

/** Every kernel of this file. */
export function simdKernels(): FuncDef[] {
  return [pack(), add2d(), maxpoolRow(), maxpoolBackRow()];
}
