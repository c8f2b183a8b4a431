/**
 * Pooling: the forward pass takes one thread per output cell; both backward passes take one
 * thread per input cell and gather over the windows that contain it, in row-major window order
 * (deterministic, no atomics). Max-pool backward recomputes each such window's winner (the first
 * real cell in row-major window order among the largest) and adds that window's `dy` when the
 * winner is this cell.
 * @module
 */

import type { Kernel, Pool2dGeometry, Shape } from "../../core/primitives.ts";
import type { Buf, GpuContext } from "./_context.ts";
import { sizeOf } from "./_ew.ts";
import { bindings, F2I, flatEntry, flatGroups, wgslType } from "./_wgsl.ts";

const LETS = [
  "H",
  "W",
  "C",
  "OH",
  "OW",
  "KH",
  "KW",
  "SH",
  "SW",
  "TOP",
  "LEFT",
  "BOTTOM",
  "RIGHT",
  "CP",
]
  .map((n, i) => `  let ${n} = p[${3 + i}];`).join("\n");

/** WGSL: the window of output `(i, j)` clipped to the input, and its average divisor. */
const WINDOW = `
struct Win { y0: i32, y1: i32, x0: i32, x1: i32, dv: f32 }
fn win(i: i32, j: i32) -> Win {
  let H = p[3]; let W = p[4]; let KH = p[8]; let KW = p[9];
  let ly = i * p[10] - p[12]; let lx = j * p[11] - p[13];
  var w: Win;
  w.y0 = max(0, ly); w.y1 = min(H, ly + KH);
  w.x0 = max(0, lx); w.x1 = min(W, lx + KW);
  if (p[16] != 0) {
    let ph = min(H + p[14], ly + KH) - max(-p[12], ly);
    let pw = min(W + p[15], lx + KW) - max(-p[13], lx);
    w.dv = f32(ph * pw);
  } else {
    w.dv = f32((w.y1 - w.y0) * (w.x1 - w.x0));
  }
  return w;
}`;

function maxOf(t: string): string {
  return `
fn argmaxOf(b: i32, i: i32, j: i32, c: i32) -> vec2<i32> {
  let w = win(i, j);
  var best = x[((b * p[3] + w.y0) * p[4] + w.x0) * p[5] + c];
  var at = vec2<i32>(w.y0, w.x0);
  for (var y = w.y0; y < w.y1; y++) {
    for (var xx = w.x0; xx < w.x1; xx++) {
      let v: ${t} = x[((b * p[3] + y) * p[4] + xx) * p[5] + c];
      if (v > best) { best = v; at = vec2<i32>(y, xx); }
    }
  }
  return at;
}`;
}

/** The output cell `i` as `(b, i, j, c)` over `[n, OH, OW, C]` (or the input over H, W). */
const DECODE = (h: string, w: string) =>
  `  let c = i32(i % u32(C));
  let cj = i32((i / u32(C)) % u32(${w}));
  let ci = i32((i / u32(C * ${w})) % u32(${h}));
  let b = i32(i / u32(C * ${w} * ${h}));`;

function forwardSource(t: string, op: "max" | "avg"): string {
  const body = op === "max"
    ? `  if (w.y0 >= w.y1 || w.x0 >= w.x1) { out[i] = ${t}(0); return; }
  let at = argmaxOf(b, ci, cj, c);
  out[i] = x[((b * H + at.x) * W + at.y) * C + c];`
    : `  var acc = ${t}(0);
  for (var y = w.y0; y < w.y1; y++) {
    for (var xx = w.x0; xx < w.x1; xx++) { acc = acc + x[((b * H + y) * W + xx) * C + c]; }
  }
  if (w.y0 >= w.y1 || w.x0 >= w.x1) { out[i] = ${t}(0); return; }
  out[i] = ${t === "f32" ? "acc / w.dv" : "f2i(f32(acc) / w.dv)"};`;
  return `${bindings(t, [["x", t]])}
${WINDOW}
${op === "max" ? maxOf(t) : F2I}
${flatEntry(`${LETS}\n${DECODE("OH", "OW")}\n  let w = win(ci, cj);\n${body}`)}`;
}

function backwardSource(t: string, op: "max" | "avg"): string {
  const inputs: [string, string][] = op === "max" ? [["x", t], ["dy", t]] : [["dy", t]];
  const add = op === "max"
    ? `let at = argmaxOf(b, i0, j0, c);
        if (at.x == ci && at.y == cj) { acc = acc + dy[o]; }`
    : `let w = win(i0, j0);
        acc = acc + ${t === "f32" ? "dy[o] / w.dv" : "f2i(f32(dy[o]) / w.dv)"};`;
  return `${bindings(t, inputs)}
${WINDOW}
${op === "max" ? maxOf(t) : F2I}
${
    flatEntry(`${LETS}\n${DECODE("H", "W")}
  let iLo = max(0, (ci + TOP - KH + SH) / SH);
  let iHi = min(OH - 1, (ci + TOP) / SH);
  let jLo = max(0, (cj + LEFT - KW + SW) / SW);
  let jHi = min(OW - 1, (cj + LEFT) / SW);
  var acc = ${t}(0);
  for (var i0 = iLo; i0 <= iHi; i0++) {
    for (var j0 = jLo; j0 <= jHi; j0++) {
      let o = ((b * OH + i0) * OW + j0) * C + c;
      if (i0 * SH - TOP + KH > ci && j0 * SW - LEFT + KW > cj) {
        ${add}
      }
    }
  }
  out[i] = acc;`)
  }`;
}

function params(
  n: number,
  x: Shape,
  out: Shape,
  g: Pool2dGeometry,
  countPadded: boolean,
): number[] {
  return [
    n,
    x[1],
    x[2],
    x[3],
    out[1],
    out[2],
    g.window[0],
    g.window[1],
    g.stride[0],
    g.stride[1],
    g.padding[0][0],
    g.padding[1][0],
    g.padding[0][1],
    g.padding[1][1],
    countPadded ? 1 : 0,
  ];
}

/** Builds the pooling kernels for `ctx`. */
export function poolKernels(ctx: GpuContext): {
  pool2d: Kernel<Buf, "pool2d">;
  maxPool2dBackward: Kernel<Buf, "maxPool2dBackward">;
  avgPool2dBackward: Kernel<Buf, "avgPool2dBackward">;
} {
  const run = (op: string, key: string, src: () => string, ins: Buf[], n: number, ps: number[]) => {
    const pipeline = ctx.pipeline(key, src);
    return ctx.output(n * 4, (res) => {
      const binds = [ctx.whole(res), ...ins.map((h) => ctx.whole(h))];
      ctx.dispatch(op, pipeline, binds, ps, flatGroups(n));
    });
  };
  return {
    pool2d([x], g, out) {
      const t = wgslType(out.dtype);
      const n = sizeOf(out.shape);
      const ps = params(n, x.shape, out.shape, g, g.countPadded);
      return run(
        "webgpu pool2d",
        `pool:${g.op}:${t}`,
        () => forwardSource(t, g.op),
        [x.handle],
        n,
        ps,
      );
    },
    maxPool2dBackward([x, dy], g, out) {
      const t = wgslType(out.dtype);
      const n = sizeOf(out.shape);
      const ps = params(n, x.shape, dy.shape, g, false);
      const src = () => backwardSource(t, "max");
      return run(
        "webgpu maxPool2dBackward",
        `poolBack:max:${t}`,
        src,
        [x.handle, dy.handle],
        n,
        ps,
      );
    },
    avgPool2dBackward([dy], g, out) {
      const t = wgslType(out.dtype);
      const n = sizeOf(out.shape);
      const ps = params(n, out.shape, dy.shape, g, g.countPadded);
      const src = () => backwardSource(t, "avg");
      return run("webgpu avgPool2dBackward", `poolBack:avg:${t}`, src, [dy.handle], n, ps);
    },
  };
}
