/**
 * Layout kernels: transpose and slice (strided gathers on the shared engine), pad (a gather with
 * a bounds test per axis) and concat (one block copy per input).
 * @module
 */

import type { Kernel } from "../../core/primitives.ts";
import type { Buf, GpuContext } from "./_context.ts";
import { gather, sizeOf, stridesOf } from "./_ew.ts";
import { bindings, f32Bits, flatEntry, flatGroups, wgslType } from "./_wgsl.ts";

function padSource(t: string): string {
  return `${bindings(t, [["x", t]])}
${
    flatEntry(`  let R = p[3];
  var rem = i;
  var j = 0u;
  var stride = 1u;
  var inside = true;
  for (var a = R - 1; a >= 0; a--) {
    let d = u32(p[4 + a]);
    let c = i32(rem % d) - p[4 + 2 * R + a];
    rem = rem / d;
    let n = p[4 + R + a];
    if (c < 0 || c >= n) { inside = false; }
    j += u32(c) * stride;
    stride *= u32(n);
  }
  if (inside) {
    out[i] = x[j];
  } else {
    out[i] = bitcast<${t}>(p[4 + 3 * R]);
  }`)
  }`;
}

function concatSource(t: string): string {
  return `${bindings(t, [["x", t]])}
${
    flatEntry(`  let inner = u32(p[3]);
  let o = i / inner;
  out[o * u32(p[4]) + u32(p[5]) + i % inner] = x[i];`)
  }`;
}

/** Builds the layout kernels for `ctx`. */
export function layoutKernels(ctx: GpuContext): {
  transpose: Kernel<Buf, "transpose">;
  slice: Kernel<Buf, "slice">;
  pad: Kernel<Buf, "pad">;
  concat: Kernel<Buf, "concat">;
} {
  return {
    transpose([x], { perm }, out) {
      const t = wgslType(out.dtype);
      const s = stridesOf(x.shape);
      const input = { buf: x.handle, type: t, strides: perm.map((a) => s[a]), base: 0 };
      return gather(ctx, "webgpu transpose", { key: "copy", outType: t, expr: "v0" }, out.shape, [
        input,
      ]);
    },
    slice([x], { begin }, out) {
      const t = wgslType(out.dtype);
      const strides = stridesOf(x.shape);
      const base = strides.reduce((acc, st, a) => acc + begin[a] * st, 0);
      const input = { buf: x.handle, type: t, strides, base };
      return gather(ctx, "webgpu slice", { key: "copy", outType: t, expr: "v0" }, out.shape, [
        input,
      ]);
    },
    pad([x], { paddings, value }, out) {
      const t = wgslType(out.dtype);
      const n = sizeOf(out.shape);
      const bits = t === "f32" ? f32Bits(value) : value | 0;
      const params = [
        n,
        out.shape.length,
        ...out.shape,
        ...x.shape,
        ...paddings.map(([before]) => before),
        bits,
      ];
      const pipeline = ctx.pipeline(`pad:${t}`, () => padSource(t));
      return ctx.output(n * 4, (res) => {
        const binds = [ctx.whole(res), ctx.whole(x.handle)];
        ctx.dispatch("webgpu pad", pipeline, binds, params, flatGroups(n));
      });
    },
    concat(xs, { axis }, out) {
      const t = wgslType(out.dtype);
      const outer = sizeOf(out.shape.slice(0, axis));
      const outInner = sizeOf(out.shape.slice(axis));
      const pipeline = ctx.pipeline(`concat:${t}`, () => concatSource(t));
      return ctx.output(sizeOf(out.shape) * 4, (res) => {
        let offset = 0;
        for (const x of xs) {
          const inner = sizeOf(x.shape.slice(axis));
          const n = outer * inner;
          if (n > 0) {
            const binds = [ctx.whole(res), ctx.whole(x.handle)];
            const ps = [n, inner, outInner, offset];
            ctx.dispatch("webgpu concat", pipeline, binds, ps, flatGroups(n));
          }
          offset += inner;
        }
      });
    },
  };
}
