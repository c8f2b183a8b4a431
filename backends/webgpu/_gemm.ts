/**
 * The tiled matrix-product template behind matmul and the three convolutions:
 * `out[z, r, c] = sum_k A(z, r, k) * B(z, k, c)` where each op supplies WGSL `loadA` / `loadB`
 * functions (a plain strided read for matmul, an implicit-im2col gather for the convolutions).
 *
 * A workgroup of 16 x 16 threads computes a 64 x 64 output tile, each thread a 4 x 4 block,
 * staging 64 x 8 slices of A and 8 x 64 slices of B in workgroup memory as `vec4`s (on llvmpipe,
 * a larger K slice or scalar accumulators made the shader take 20-40 s to compile). When the sum is long
 * and the output small, it is split over K ("split-K"): partial tiles go to a scratch buffer and
 * a second pass adds them up in a fixed order, which keeps results deterministic, spreads work
 * over more workgroups and shortens each float32 running sum.
 *
 * Parameters: p[2..9] = M, N, K, tilesM, tilesN, splits, kPerSplit, outDelta; op-specific
 * parameters start at p[10] (`P0` in the snippets).
 * @module
 */

import type { Binding, Buf, GpuContext } from "./_context.ts";
import { bindings, entry, flatEntry, flatGroups } from "./_wgsl.ts";

const TM = 4;
const TN = 4;
const BK = 8;

/** A workgroup shape: `wx * wy = 256` threads computing a `4 wy x 4 wx` output tile. */
interface Tile {
  readonly wx: number;
  readonly wy: number;
}

/**
 * The tile for `n` output columns: square 64 x 64 tiles, or 128 x 32 ones when there are few
 * columns (e.g. a convolution with 20 output channels), so fewer threads idle. (A narrower
 * 256 x 16 tile took several seconds to compile on llvmpipe for little gain.)
 */
function tileFor(n: number): Tile {
  if (n <= 32) return { wx: 8, wy: 32 };
  return { wx: 16, wy: 16 };
}
/** Where op-specific parameters start. */
export const P0 = 10;
/** Longest stretch of K one thread sums before split-K kicks in. */
const MAX_K_RUN = 4096;

/** One op's use of the template. */
export interface GemmSpec {
  /** Cache key (op name and static flags). */
  readonly key: string;
  /** WGSL element type. */
  readonly type: string;
  /**
   * WGSL defining `fn rowA(z: u32, r: u32) -> vec4<i32>` (what `loadA` needs to know about row
   * `r`, computed once per thread and tile), `fn loadA(z: u32, ri: vec4<i32>, k: u32) -> T` and
   * `fn loadB(z: u32, k: u32, c: u32) -> T`. Loads may be called with `k` past the end (their
   * value is then ignored), so they must not fault: WGSL clamps out-of-range reads.
   */
  readonly loads: string;
  /** True when the loads read a lookup table `T: array<vec4<i32>>` (bound after `B`). */
  readonly table?: boolean;
}

/** The sizes of one product. */
export interface GemmSize {
  /** Batch count. */
  readonly z: number;
  /** Rows. */
  readonly m: number;
  /** Columns. */
  readonly n: number;
  /** Length of each sum. */
  readonly k: number;
}

function gemmSource(spec: GemmSpec, split: boolean, tile: Tile): string {
  const { wx: WX, wy: WY } = tile;
  const BM = TM * WY, BN = TN * WX;
  const t = spec.type;
  const v4 = `vec4<${t}>`;
  const store = split
    ? "out[((z * S + s) * M + r) * N + c] = v;"
    : "out[u32(p[9]) + (z * M + r) * N + c] = v;";
  const loadsA = Array.from({ length: (BM * BK) / (WX * WY) }, (_, l) => l);
  const stores = Array.from({ length: TM * TN }, (_, i) => {
    const di = Math.floor(i / TN), dj = i % TN;
    return `  {
    let r = row0 + ty * ${TM}u + ${di}u; let c = col0 + tx * ${TN}u + ${dj}u;
    if (r < M && c < N) { let v = acc${di}[${dj}]; ${store} }
  }`;
  });
  const ins: [string, string][] = [["A", t], ["B", t]];
  if (spec.table) ins.push(["T", "vec4<i32>"]);
  return `${bindings(t, ins)}
${spec.loads}
var<workgroup> As: array<${v4}, ${(BM * BK) / 4}>;
var<workgroup> Bs: array<${v4}, ${(BK * BN) / 4}>;
${
    entry(
      WX * WY,
      `  let M = u32(p[2]); let N = u32(p[3]); let K = u32(p[4]);
  let tilesM = u32(p[5]); let tilesN = u32(p[6]); let S = u32(p[7]); let kPer = u32(p[8]);
  let tn = wgi % tilesN;
  let tm = (wgi / tilesN) % tilesM;
  let zs = wgi / (tilesN * tilesM);
  let s = zs % S;
  let z = zs / S;
  let kBegin = s * kPer;
  let kEnd = min(K, kBegin + kPer);
  let tx = lid % ${WX}u;
  let ty = lid / ${WX}u;
  let row0 = tm * ${BM}u;
  let col0 = tn * ${BN}u;
  var acc0 = ${v4}(); var acc1 = ${v4}(); var acc2 = ${v4}(); var acc3 = ${v4}();
${
        loadsA.map((l) =>
          `  let ri${l} = rowA(z, min(row0 + (lid + ${l * WX * WY}u) / ${BK}u, M - 1u));`
        ).join("\n")
      }
  for (var k0 = kBegin; k0 < kEnd; k0 += ${BK}u) {
${
        loadsA.map((l) =>
          `    {
      let r = (lid + ${l * WX * WY}u) / ${BK}u; let k = k0 + (lid + ${l * WX * WY}u) % ${BK}u;
      let v = loadA(z, ri${l}, k);
      As[(k - k0) * ${BM / 4}u + r / 4u][r % 4u] = select(${t}(0), v, row0 + r < M && k < kEnd);
    }`
        ).join("\n")
      }
    for (var l = 0u; l < ${Math.ceil((BK * BN) / (WX * WY))}u; l++) {
      let idx = lid + l * ${WX * WY}u;
      let kb = idx / ${BN}u; let c = idx % ${BN}u;
      let w = loadB(z, k0 + kb, min(col0 + c, N - 1u));
      ${(BK * BN) % (WX * WY) === 0 ? "" : `if (idx < ${BK * BN}u)`} {
        Bs[kb * ${BN / 4}u + c / 4u][c % 4u] = select(${t}(0), w, col0 + c < N && k0 + kb < kEnd);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      let a = As[kk * ${BM / 4}u + ty];
      let b = Bs[kk * ${BN / 4}u + tx];
      acc0 = acc0 + ${v4}(a.x) * b;
      acc1 = acc1 + ${v4}(a.y) * b;
      acc2 = acc2 + ${v4}(a.z) * b;
      acc3 = acc3 + ${v4}(a.w) * b;
    }
    workgroupBarrier();
  }
${stores.join("\n")}`,
    )
  }`;
}

function sumSource(t: string): string {
  return `${bindings(t, [["part", t]])}
${
    flatEntry(`  let MN = u32(p[3]); let S = u32(p[4]);
  let z = i / MN; let rc = i % MN;
  var acc = ${t}(0);
  for (var s = 0u; s < S; s++) { acc = acc + part[(z * S + s) * MN + rc]; }
  out[u32(p[5]) + i] = acc;`)
  }`;
}

/** How many pieces to split K into for a product of `size`. */
function splitsFor(size: GemmSize, tile: Tile, maxBinding: number): number {
  const tiles = size.z * Math.ceil(size.m / (TM * tile.wy)) * Math.ceil(size.n / (TN * tile.wx));
  let s = Math.ceil(size.k / MAX_K_RUN);
  if (tiles < 32 && size.k >= 1024) {
    s = Math.max(s, Math.min(Math.ceil(size.k / 512), Math.ceil(64 / tiles)));
  }
  // The partial products must fit one binding.
  s = Math.min(s, Math.floor(maxBinding / (4 * size.z * size.m * size.n)));
  return Math.max(1, s);
}

/**
 * Runs one product: `a` and `b` are bound as given (the op's loads add their own deltas from the
 * op parameters), the result goes to `out` starting `outDelta` elements into that binding.
 */
export function runGemm(
  ctx: GpuContext,
  op: string,
  spec: GemmSpec,
  size: GemmSize,
  binds: {
    readonly a: Binding;
    readonly b: Binding;
    readonly out: Binding;
    readonly outDelta: number;
    readonly table?: Binding;
  },
  opParams: readonly number[],
): void {
  const { z, m, n, k } = size;
  if (z * m * n === 0) return;
  const tile = tileFor(n);
  const tilesM = Math.ceil(m / (TM * tile.wy)), tilesN = Math.ceil(n / (TN * tile.wx));
  let splits = splitsFor(size, tile, ctx.limits.maxStorageBufferBindingSize);
  let kPer = Math.ceil(Math.ceil(k / splits) / BK) * BK;
  splits = Math.max(1, Math.ceil(k / Math.max(kPer, 1)));
  if (k === 0) kPer = 0;
  const split = splits > 1;
  const key = `gemm:${spec.key}:${split}:${tile.wx}x${tile.wy}`;
  const pipeline = ctx.pipeline(key, () => gemmSource(spec, split, tile));
  const groups = z * splits * tilesM * tilesN;
  const common = [m, n, k, tilesM, tilesN, splits, kPer, binds.outDelta];
  const operands = binds.table ? [binds.a, binds.b, binds.table] : [binds.a, binds.b];
  if (!split) {
    ctx.dispatch(op, pipeline, [binds.out, ...operands], [...common, ...opParams], groups);
    return;
  }
  ctx.scratch(z * splits * m * n * 4, (part) => {
    const ins = [ctx.whole(part), ...operands];
    ctx.dispatch(op, pipeline, ins, [...common, ...opParams], groups);
    sumSplits(ctx, op, spec.type, part, z, m * n, splits, binds.out, binds.outDelta);
  });
}

/**
 * `out[delta + zi * mn + j] = sum_s part[(zi * splits + s) * mn + j]`, adding in split order.
 */
export function sumSplits(
  ctx: GpuContext,
  op: string,
  type: string,
  part: { readonly buffer: GPUBuffer; readonly byteLength: number },
  z: number,
  mn: number,
  splits: number,
  out: Binding,
  delta: number,
): void {
  const pipeline = ctx.pipeline(`splitsum:${type}`, () => sumSource(type));
  const partBind = { buffer: part.buffer, offset: 0, size: Math.max(4, z * splits * mn * 4) };
  ctx.dispatch(op, pipeline, [out, partBind], [z * mn, mn, splits, delta], flatGroups(z * mn));
}

function addSource(t: string): string {
  return `${bindings(t, [["src", t]])}
${flatEntry("  out[i] = out[i] + src[i];")}`;
}

/** `dst[i] += src[i]` for the `n` elements of two same-sized handles. */
export function addInto(
  ctx: GpuContext,
  op: string,
  type: string,
  dst: Buf,
  src: Buf,
  n: number,
): void {
  const pipeline = ctx.pipeline(`addInto:${type}`, () => addSource(type));
  ctx.dispatch(op, pipeline, [ctx.whole(dst, n * 4), ctx.whole(src, n * 4)], [n], flatGroups(n));
}
