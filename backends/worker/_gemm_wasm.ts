/**
 * The register-tiled float32 GEMM micro-kernels, generated as WebAssembly simd128 code.
 *
 * One kernel computes, for `groups` groups of `mr` rows, an `mr x (4 nv)` block of
 * `C += A B` (or `C = A B`), keeping the block in `mr * nv` vector registers:
 *
 * - A's rows are given by a row table (`rowTab`, one byte address per row) and a tap list
 *   (`taps`, pairs of `(byteOffset, length)`): row `r`'s reduction index runs over tap after tap,
 *   `length` contiguous floats from `rowTab[r] + byteOffset`. A dense matrix is one tap; an NHWC
 *   image read as im2col is one tap per filter row (the implicit GEMM: no patch matrix).
 * - B is packed: `K` rows of `4 nv` floats (zero padded), contiguous.
 * - C's rows start at `c`, `ldc` bytes apart; the last vector stores only `tail` lanes when
 *   `tail` is 1, 2 or 3.
 *
 * Multiply-adds use `f32x4.relaxed_madd` where the engine accepts relaxed SIMD, else
 * `f32x4.mul` + `f32x4.add`.
 * @module
 */

import { Code, type FuncDef, SIMD } from "./_wasm.ts";

/** Rows per micro-tile. */
export const MR = 3;
/** Vectors (of 4 floats) per micro-tile row: the full panel width is `4 * NV` floats. */
export const NV = 3;
/** The packed panel width in floats. */
export const NR = 4 * NV;

/**
 * The export name of the kernel for `mr` rows, `nv` vectors, `tail` valid lanes at the end, and
 * contiguous (`strided` false) or strided A rows.
 */
export function gemmName(mr: number, nv: number, tail: number, strided: boolean): string {
  return `gemm${strided ? "s" : ""}_${mr}_${nv}_${tail}`;
}

/**
 * Generates the kernel `gemm_{mr}_{nv}_{tail}(rowTab, groups, taps, ntaps, b, c, ldc, acc)`.
 * `acc` non-zero adds to C; zero overwrites it. The strided variant `gemms_...` takes a ninth
 * argument, `astride`: the bytes between consecutive reduction elements of an A row (4 for the
 * contiguous variant).
 */
export function gemmKernel(
  mr: number,
  nv: number,
  tail: number,
  relaxed: boolean,
  strided: boolean,
): FuncDef {
  const P = { rowTab: 0, groups: 1, taps: 2, ntaps: 3, b: 4, c: 5, ldc: 6, acc: 7, astride: 8 };
  const f = new Code(strided ? 9 : 8);
  const r = Array.from({ length: mr }, () => f.local("i32"));
  const a = Array.from({ length: mr }, () => f.local("i32"));
  const cr = Array.from({ length: mr }, () => f.local("i32"));
  const bp = f.local("i32"), t = f.local("i32"), tend = f.local("i32"), len = f.local("i32");
  const acc: number[][] = [];
  for (let i = 0; i < mr; i++) acc.push(Array.from({ length: nv }, () => f.local("v128")));
  const bv = Array.from({ length: nv }, () => f.local("v128"));
  const s = f.local("v128");
  const rowBytes = 16 * nv;

  // One reduction step at immediate offsets: B vectors at `bOff`, A scalars at `aOff`.
  const step = (aOff: number, bOff: number) => {
    for (let j = 0; j < nv; j++) f.get(bp).simdMem(SIMD.load, 4, bOff + 16 * j).set(bv[j]);
    for (let i = 0; i < mr; i++) {
      f.get(a[i]).simdMem(SIMD.load32Splat, 2, aOff).set(s);
      for (let j = 0; j < nv; j++) {
        if (relaxed) {
          f.get(s).get(bv[j]).get(acc[i][j]).simd(SIMD.relaxedMadd).set(acc[i][j]);
        } else {
          f.get(acc[i][j]).get(s).get(bv[j]).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add)
            .set(acc[i][j]);
        }
      }
    }
  };

  f.block().loop(); // groups
  f.get(P.groups).raw(0x45).brIf(1); // groups == 0: exit
  for (let i = 0; i < mr; i++) {
    f.get(P.rowTab).i32Load(4 * i).set(r[i]);
    if (i === 0) f.get(P.c).set(cr[0]);
    else f.get(cr[i - 1]).get(P.ldc).raw(0x6a).set(cr[i]);
  }
  // Initialise the accumulators: load C or zero.
  f.get(P.acc).if();
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++) f.get(cr[i]).simdMem(SIMD.load, 0, 16 * j).set(acc[i][j]);
  }
  f.else();
  for (let i = 0; i < mr; i++) for (let j = 0; j < nv; j++) f.zero().set(acc[i][j]);
  f.end();
  f.get(P.b).set(bp);
  f.get(P.taps).set(t);
  f.get(P.taps).get(P.ntaps).i32(3).raw(0x74).raw(0x6a).set(tend);
  f.block().loop(); // taps
  f.get(t).get(tend).raw(0x46).brIf(1);
  f.get(t).i32Load(4).set(len);
  for (let i = 0; i < mr; i++) f.get(t).i32Load(0).get(r[i]).raw(0x6a).set(a[i]);
  if (strided) {
    // One step at a time, each A pointer moving by `astride`.
    f.block().loop();
    f.get(len).raw(0x45).brIf(1);
    step(0, 0);
    for (let i = 0; i < mr; i++) f.get(a[i]).get(P.astride).raw(0x6a).set(a[i]);
    f.addTo(bp, rowBytes).addTo(len, -1).br(0);
    f.end().end();
  }
  // Four steps at a time.
  f.block().loop();
  f.get(len).i32(4).raw(0x49).brIf(1); // len < 4 (unsigned)
  for (let u = 0; u < 4; u++) step(4 * u, rowBytes * u);
  for (let i = 0; i < mr; i++) f.addTo(a[i], 16);
  f.addTo(bp, 4 * rowBytes).addTo(len, -4).br(0);
  f.end().end();
  // The remaining 0..3 steps.
  f.block().loop();
  f.get(len).raw(0x45).brIf(1);
  step(0, 0);
  for (let i = 0; i < mr; i++) f.addTo(a[i], 4);
  f.addTo(bp, rowBytes).addTo(len, -1).br(0);
  f.end().end();
  f.addTo(t, 8).br(0);
  f.end().end(); // taps
  // Store.
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++) {
      const last = j === nv - 1;
      if (!last || tail === 0) {
        f.get(cr[i]).get(acc[i][j]).simdMem(SIMD.store, 0, 16 * j);
      } else {
        if (tail >= 2) f.get(cr[i]).get(acc[i][j]).simdMem(SIMD.store64Lane, 0, 16 * j, 0);
        if (tail !== 2) {
          const lane = tail === 1 ? 0 : 2;
          f.get(cr[i]).get(acc[i][j]).simdMem(SIMD.store32Lane, 0, 16 * j + 4 * lane, lane);
        }
      }
    }
  }
  f.get(cr[mr - 1]).get(P.ldc).raw(0x6a).set(P.c);
  f.addTo(P.rowTab, 4 * mr).addTo(P.groups, -1).br(0);
  f.end().end(); // groups
  return {
    name: gemmName(mr, nv, tail, strided),
    params: new Array(strided ? 9 : 8).fill("i32"),
    code: f,
  };
}
