/**
 * Reductions: the reduced axes are moved last (a gather, skipped when they already are), then
 * each row of the resulting `[rows, length]` matrix is reduced. Short rows take one thread each;
 * long rows a workgroup of 64 threads that each sum a strided part and then combine in a fixed
 * tree, so results are deterministic and sums stay accurate. Ties of argmax/argmin go to the
 * first index.
 * @module
 */

import type { ArgReduceOp, Kernel, KTensor, ReduceOp } from "../../core/primitives.ts";
import type { Buf, GpuContext } from "./_context.ts";
import { gather, sizeOf, stridesOf } from "./_ew.ts";
import { bindings, entry, flatEntry, flatGroups, wgslType } from "./_wgsl.ts";

const ROW_WG = 64;
/** Rows at most this long are reduced by one thread each. */
const SHORT_ROW = 32;

function combine(op: ReduceOp, a: string, b: string): string {
  return op === "sum" ? `${a} + ${b}` : `${op}(${a}, ${b})`;
}

function reduceSource(op: ReduceOp, t: string, short: boolean): string {
  const head = bindings(t, [["x", t]]);
  if (short) {
    const init = op === "sum" ? `${t}(0)` : "x[base]";
    return `${head}
${
      flatEntry(`  let L = u32(p[3]);
  let base = i * L;
  var acc: ${t} = ${init};
  for (var k = ${op === "sum" ? 0 : 1}u; k < L; k++) { acc = ${combine(op, "acc", "x[base + k]")}; }
  out[i] = acc;`)
    }`;
  }
  const init = op === "sum" ? `${t}(0)` : "x[base + min(lid, L - 1u)]";
  return `${head}
var<workgroup> sh: array<${t}, ${ROW_WG}>;
${
    entry(
      ROW_WG,
      `  let L = u32(p[3]);
  let base = wgi * L;
  var acc: ${t} = ${init};
  for (var k = lid${op === "sum" ? "" : ` + ${ROW_WG}u`}; k < L; k += ${ROW_WG}u) {
    acc = ${combine(op, "acc", "x[base + k]")};
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = ${combine(op, "sh[lid]", "sh[lid + s]")}; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[wgi] = sh[0]; }`,
    )
  }`;
}

function argSource(op: ArgReduceOp, t: string, short: boolean): string {
  const better = op === "argmax" ? ">" : "<";
  const head = bindings("i32", [["x", t]]);
  if (short) {
    return `${head}
${
      flatEntry(`  let L = u32(p[3]);
  let base = i * L;
  var best = x[base];
  var at = 0u;
  for (var k = 1u; k < L; k++) {
    let v = x[base + k];
    if (v ${better} best) { best = v; at = k; }
  }
  out[i] = i32(at);`)
    }`;
  }
  return `${head}
var<workgroup> shv: array<${t}, ${ROW_WG}>;
var<workgroup> shi: array<u32, ${ROW_WG}>;
${
    entry(
      ROW_WG,
      `  let L = u32(p[3]);
  let base = wgi * L;
  var at = min(lid, L - 1u);
  var best = x[base + at];
  for (var k = lid + ${ROW_WG}u; k < L; k += ${ROW_WG}u) {
    let v = x[base + k];
    if (v ${better} best) { best = v; at = k; }
  }
  shv[lid] = best;
  shi[lid] = at;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let v = shv[lid + s];
      let j = shi[lid + s];
      if (v ${better} shv[lid] || (v == shv[lid] && j < shi[lid])) { shv[lid] = v; shi[lid] = j; }
    }
    workgroupBarrier();
  }
  if (lid == 0u) { out[wgi] = i32(shi[0]); }`,
    )
  }`;
}

/**
 * `x` as a row-major `[rows, length]` matrix whose rows run over `axes`: `x` itself when the
 * axes already come last (ignoring size-1 axes), else a transposed copy (`owned` is then true).
 */
function rowsOver(ctx: GpuContext, x: KTensor<Buf>, axes: readonly number[]) {
  const rank = x.shape.length;
  const kept = [...Array(rank).keys()].filter((a) => !axes.includes(a));
  const big = (a: number) => x.shape[a] !== 1;
  const lastKept = Math.max(-1, ...kept.filter(big));
  const firstReduced = Math.min(rank, ...axes.filter(big));
  const length = sizeOf(axes.map((a) => x.shape[a]));
  if (lastKept < firstReduced) return { buf: x.handle, length, owned: false };
  const perm = [...kept, ...axes];
  const s = stridesOf(x.shape);
  const input = { buf: x.handle, type: wgslType(x.dtype), strides: perm.map((a) => s[a]), base: 0 };
  const spec = { key: "copy", outType: wgslType(x.dtype), expr: "v0" };
  const buf = gather(ctx, "webgpu reduce", spec, perm.map((a) => x.shape[a]), [input]);
  return { buf, length, owned: true };
}

/** Builds the reduction kernels for `ctx`. */
export function reduceKernels(ctx: GpuContext): {
  reduce: Kernel<Buf, "reduce">;
  argReduce: Kernel<Buf, "argReduce">;
} {
  const rowKernel = (
    op: string,
    key: string,
    source: (short: boolean) => string,
    x: KTensor<Buf>,
    axes: readonly number[],
    rows: number,
  ): Buf => {
    return ctx.output(rows * 4, (res) => {
      if (rows === 0) return;
      const m = rowsOver(ctx, x, axes);
      try {
        const short = m.length <= SHORT_ROW;
        const pipeline = ctx.pipeline(`${key}:${short}`, () => source(short));
        const binds = [ctx.whole(res), ctx.whole(m.buf, rows * m.length * 4)];
        const groups = short ? flatGroups(rows) : rows;
        ctx.dispatch(op, pipeline, binds, [rows, m.length], groups);
      } finally {
        if (m.owned) ctx.release(m.buf);
      }
    });
  };
  return {
    reduce([x], { op, axes }, out) {
      const t = wgslType(x.dtype);
      const rows = sizeOf(out.shape);
      if (sizeOf(x.shape) === 0) {
        return ctx.output(rows * 4, (res) => ctx.clear(res, rows * 4)); // a sum over nothing is 0
      }
      return rowKernel(
        "webgpu reduce",
        `reduce:${op}:${t}`,
        (short) => reduceSource(op, t, short),
        x,
        axes,
        rows,
      );
    },
    argReduce([x], { op, axis }, out) {
      const t = wgslType(x.dtype);
      return rowKernel(
        "webgpu argReduce",
        `arg:${op}:${t}`,
        (short) => argSource(op, t, short),
        x,
        [axis],
        sizeOf(out.shape),
      );
    },
  };
}
