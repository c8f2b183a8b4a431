/**
 * WGSL of the convolutions: the `rowA` / `loadA` / `loadB` functions the tiled GEMM template
 * calls for each implicit-GEMM formulation, their lookup tables, and the im2col / col2im gathers.
 *
 * Integer division by a run-time value is the slowest thing a load can do (on a CPU adapter it is
 * not even vectorized), so no load divides: everything a row index implies is computed once per
 * thread and tile (`rowA`), and everything a sum index `k` implies comes from a table `T` of
 * `vec4<i32>` built on the host, one entry per `k`. Only conv2dBackpropInput with a stride above
 * 1 still divides, to test which output cells a tap reaches.
 * @module
 */

import type { Conv2dGeometry, Shape } from "../../core/primitives.ts";
import { P0 } from "./_gemm.ts";
import { bindings, flatEntry } from "./_wgsl.ts";

/** Geometry parameters, in this order: H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, top, left, CO. */
export function geometry(
  x: Shape,
  outHW: readonly [number, number],
  kernel: readonly [number, number],
  cout: number,
  g: Conv2dGeometry,
): number[] {
  return [
    x[1],
    x[2],
    x[3],
    outHW[0],
    outHW[1],
    kernel[0],
    kernel[1],
    g.stride[0],
    g.stride[1],
    g.dilation[0],
    g.dilation[1],
    g.padding[0][0],
    g.padding[1][0],
    cout,
  ];
}

const NAMES = ["H", "W", "C", "OH", "OW", "KH", "KW", "SH", "SW", "DH", "DW", "TOP", "LEFT", "CO"];

/** WGSL `let` bindings of the geometry starting at parameter `at`. */
function geoLets(at: number, names: readonly string[] = NAMES): string {
  return names.map((n) => `  let ${n} = p[${at + NAMES.indexOf(n)}];`).join("\n");
}

/** Where the geometry starts in the GEMM parameters (after the A and B deltas). */
const G = P0 + 2;

/** conv2d: rows `(b, i, j)`, sum over `k = (p, q, c)`; `T[k] = (p dh, q dw, offset, 0)`. */
export function convLoads(t: string): string {
  return `
fn rowA(z: u32, r: u32) -> vec4<i32> {
${geoLets(G, ["H", "W", "C", "OH", "OW", "SH", "SW", "TOP", "LEFT"])}
  let ohw = u32(OH * OW);
  let b = i32(r / ohw);
  let y = i32((r % ohw) / u32(OW)) * SH - TOP; let x = i32(r % u32(OW)) * SW - LEFT;
  return vec4<i32>(b, y, x, ((b * H + y) * W + x) * C);
}
fn loadA(z: u32, ri: vec4<i32>, k: u32) -> ${t} {
  let e = T[k];
  let y = ri.y + e.x; let x = ri.z + e.y;
  let ok = y >= 0 && y < p[${G}] && x >= 0 && x < p[${G + 1}];
  let idx = u32(p[${P0}]) + u32(ri.w + e.z);
  return select(${t}(0), A[select(0u, idx, ok)], ok);
}
fn loadB(z: u32, k: u32, c: u32) -> ${t} {
  return B[u32(p[${P0 + 1}]) + k * u32(p[${G + 13}]) + c];
}`;
}

/** The conv2d table: for `k = (p, q, c)`, `(p dh, q dw, (p dh W + q dw) C + c, 0)`. */
export function convTable(w: number, c: number, kh: number, kw: number, g: Conv2dGeometry) {
  const t = new Int32Array(4 * kh * kw * c);
  let k = 0;
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      for (let ch = 0; ch < c; ch++, k++) {
        const dy = p * g.dilation[0], dx = q * g.dilation[1];
        t.set([dy, dx, (dy * w + dx) * c + ch, 0], 4 * k);
      }
    }
  }
  return t;
}

/**
 * conv2dBackpropInput: rows `(b, y, x)`, sum over `k = (p, q, o)`;
 * `T[k] = (p dh, q dw, o, ((p kw + q) cIn) cOut + o)`.
 */
export function backInputLoads(t: string, unitStride: boolean): string {
  const divide = unitStride
    ? "let i = ty; let j = tx; let fits = true;"
    : "let i = ty / SH; let j = tx / SW; let fits = i * SH == ty && j * SW == tx;";
  return `
fn rowA(z: u32, r: u32) -> vec4<i32> {
${geoLets(G, ["H", "W", "TOP", "LEFT"])}
  let y = i32((r / u32(W)) % u32(H)); let x = i32(r % u32(W));
  return vec4<i32>(i32(r / u32(H * W)), y + TOP, x + LEFT, 0);
}
fn loadA(z: u32, ri: vec4<i32>, k: u32) -> ${t} {
${geoLets(G, ["OH", "OW", "SH", "SW", "CO"])}
  let e = T[k];
  let ty = ri.y - e.x; let tx = ri.z - e.y;
  ${divide}
  let ok = ty >= 0 && tx >= 0 && fits && i < OH && j < OW;
  let idx = u32(p[${P0}]) + u32(((ri.x * OH + i) * OW + j) * CO + e.z);
  return select(${t}(0), A[select(0u, idx, ok)], ok);
}
fn loadB(z: u32, k: u32, c: u32) -> ${t} {
  return B[u32(p[${P0 + 1}]) + u32(T[k].w) + c * u32(p[${G + 13}])];
}`;
}

/** The conv2dBackpropInput table: for `k = (p, q, o)`, `(p dh, q dw, o, (p kw + q) cIn cOut + o)`. */
export function backInputTable(cin: number, co: number, kh: number, kw: number, g: Conv2dGeometry) {
  const t = new Int32Array(4 * kh * kw * co);
  let k = 0;
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      for (let o = 0; o < co; o++, k++) {
        t.set([p * g.dilation[0], q * g.dilation[1], o, (p * kw + q) * cin * co + o], 4 * k);
      }
    }
  }
  return t;
}

/**
 * conv2dBackpropFilter: rows `(p, q, c)`, sum over `k = (b, i, j)`;
 * `T[k] = (i sh, j sw, ((b H + i sh) W + j sw) C, 0)`.
 */
export function backFilterLoads(t: string): string {
  return `
fn rowA(z: u32, r: u32) -> vec4<i32> {
${geoLets(G, ["W", "C", "KW", "DH", "DW", "TOP", "LEFT"])}
  let y = i32(r / u32(KW * C)) * DH - TOP; let x = i32((r / u32(C)) % u32(KW)) * DW - LEFT;
  return vec4<i32>(y, x, 0, (y * W + x) * C + i32(r % u32(C)));
}
fn loadA(z: u32, ri: vec4<i32>, k: u32) -> ${t} {
  let e = T[k];
  let y = e.x + ri.x; let x = e.y + ri.y;
  let ok = y >= 0 && y < p[${G}] && x >= 0 && x < p[${G + 1}];
  let idx = u32(p[${P0}]) + u32(e.z + ri.w);
  return select(${t}(0), A[select(0u, idx, ok)], ok);
}
fn loadB(z: u32, k: u32, c: u32) -> ${t} {
  return B[u32(p[${P0 + 1}]) + k * u32(p[${G + 13}]) + c];
}`;
}

/** The conv2dBackpropFilter table for `n` images: for `k = (b, i, j)`, `(i sh, j sw, offset, 0)`. */
export function backFilterTable(n: number, x: Shape, oh: number, ow: number, g: Conv2dGeometry) {
  const [, h, w, c] = x;
  const t = new Int32Array(4 * n * oh * ow);
  let k = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, k++) {
        const y = i * g.stride[0], xx = j * g.stride[1];
        t.set([y, xx, ((b * h + y) * w + xx) * c, 0], 4 * k);
      }
    }
  }
  return t;
}

/** im2col: one thread per patch-matrix entry. */
export function im2colSource(t: string): string {
  return `${bindings(t, [["x", t]])}
${
    flatEntry(`${geoLets(3)}
  let kkc = u32(KH * KW * C);
  let row = i / kkc; let col = i % kkc;
  let ohw = u32(OH * OW);
  let b = row / ohw;
  let oi = i32((row % ohw) / u32(OW)); let oj = i32(row % u32(OW));
  let pp = i32(col / u32(KW * C)); let q = i32((col / u32(C)) % u32(KW)); let c = col % u32(C);
  let y = oi * SH + pp * DH - TOP; let xx = oj * SW + q * DW - LEFT;
  var v = ${t}(0);
  if (y >= 0 && y < H && xx >= 0 && xx < W) {
    v = x[((b * u32(H) + u32(y)) * u32(W) + u32(xx)) * u32(C) + c];
  }
  out[i] = v;`)
  }`;
}

/**
 * col2im: one thread per image cell, summing its patch entries in `(p, q)` order; the result
 * goes `p[17]` elements into the output binding.
 */
export function col2imSource(t: string): string {
  return `${bindings(t, [["cols", t]])}
${
    flatEntry(`${geoLets(3)}
  let c = i % u32(C);
  let x = i32((i / u32(C)) % u32(W));
  let y = i32((i / u32(C * W)) % u32(H));
  let b = i / u32(C * W * H);
  let kkc = u32(KH * KW * C);
  var acc = ${t}(0);
  for (var pp = 0; pp < KH; pp++) {
    let ty = y + TOP - pp * DH;
    if (ty < 0 || ty % SH != 0 || ty / SH >= OH) { continue; }
    for (var q = 0; q < KW; q++) {
      let tx = x + LEFT - q * DW;
      if (tx < 0 || tx % SW != 0 || tx / SW >= OW) { continue; }
      let row = (b * u32(OH) + u32(ty / SH)) * u32(OW) + u32(tx / SW);
      acc = acc + cols[row * kkc + u32(pp * KW + q) * u32(C) + c];
    }
  }
  out[u32(p[17]) + i] = acc;`)
  }`;
}
