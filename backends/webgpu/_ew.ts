/**
 * The strided-gather engine behind every elementwise and layout kernel that reads its inputs at
 * `sum_k c_k * stride_k + base` for output coordinates `c` (unary, binary, where, broadcastTo,
 * cast, oneHot, transpose, slice). One WGSL template per expression; shapes, strides and offsets
 * travel as parameters. Size-1 axes are dropped and contiguous axes merged first.
 *
 * When the output or an input is larger than one storage binding may be, the output is cut into
 * blocks (a fixed prefix of coordinates and a range along one axis) and each input is bound only
 * over the window that block reads.
 * @module
 */

import type { Shape } from "../../core/primitives.ts";
import type { Binding, Buf, GpuContext } from "./_context.ts";
import { bindings, flatEntry, flatGroups } from "./_wgsl.ts";
import { LimitExceededError } from "./errors.ts";

/** One input of a gather: its buffer, WGSL type, strides per output axis and base offset. */
export interface GatherInput {
  /** The data. */
  readonly buf: Buf;
  /** Its WGSL element type. */
  readonly type: string;
  /** Element stride per output axis (0 where the input is broadcast). */
  readonly strides: readonly number[];
  /** Element offset added to every index (a slice's start). */
  readonly base: number;
}

/** A gather kernel: output type and the WGSL value from the loaded inputs `v0, v1, ...`. */
export interface GatherSpec {
  /** Cache key of the expression (the op and dtypes). */
  readonly key: string;
  /** The WGSL output type. */
  readonly outType: string;
  /** A WGSL expression of `v0..v{k-1}`, `g` (global output index) and `p[E + i]` (extras). */
  readonly expr: string;
  /** Extra WGSL functions the expression calls. */
  readonly helpers?: string;
  /** Extra integer parameters, read as `p[E]`, `p[E + 1]`, ... */
  readonly extra?: readonly number[];
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    s[k] = acc;
    acc *= shape[k];
  }
  return s;
}

/** Strides reading `shape` broadcast to `target` (ranks aligned on the right; 0 on repeats). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const off = target.length - shape.length;
  return target.map((_, k) => (k < off || shape[k - off] === 1 ? 0 : own[k - off]));
}

/** Product of sizes. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Drops size-1 axes and merges neighbours that every input walks contiguously. */
export function collapse(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] === 1) continue;
    const last = outShape.length - 1;
    const merge = last >= 0 && strides.every((s, t) => outStrides[t][last] === s[k] * shape[k]);
    if (merge) {
      outShape[last] *= shape[k];
      strides.forEach((s, t) => (outStrides[t][last] = s[k]));
    } else {
      outShape.push(shape[k]);
      strides.forEach((s, t) => outStrides[t].push(s[k]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

function source(spec: GatherSpec, inputs: readonly GatherInput[]): string {
  const k = inputs.length;
  const js = inputs.map((_, t) => `j${t}`);
  return `${bindings(spec.outType, inputs.map((x, t) => [`in${t}`, x.type]))}
${spec.helpers ?? ""}
${
    flatEntry(`  let g = u32(p[3]) + i;
  let R = p[5];
  let E = 6 + ${k + 1} * R + ${k};
  var rem = g;
${js.map((j) => `  var ${j} = 0u;`).join("\n")}
  for (var a = R - 1; a >= 0; a--) {
    let d = u32(p[6 + a]);
    let c = rem % d;
    rem = rem / d;
${js.map((j, t) => `    ${j} += c * u32(p[6 + ${t + 1} * R + a]);`).join("\n")}
  }
${
      inputs.map((_, t) => `  let v${t} = in${t}[${js[t]} - u32(p[6 + ${k + 1} * R + ${t}])];`)
        .join("\n")
    }
  out[i + u32(p[4])] = ${spec.expr};`)
  }`;
}

/** One block of a split gather: output range and, per input, its bound window. */
interface Block {
  readonly start: number;
  readonly count: number;
  readonly windows: readonly { readonly lo: number; readonly hi: number }[];
}

/** Cuts the output into blocks of at most `cap` elements (see the module doc). */
function blocks(shape: readonly number[], strides: readonly (readonly number[])[], cap: number) {
  const r = shape.length;
  const suffix = new Array<number>(r + 1).fill(1);
  for (let k = r - 1; k >= 0; k--) suffix[k] = suffix[k + 1] * shape[k];
  let a = 0;
  while (a < r && suffix[a + 1] > cap) a++;
  const out: Block[] = [];
  if (a === r) return out; // even one element per block does not fit: cannot happen for cap >= 1
  const step = Math.max(1, Math.floor(cap / suffix[a + 1]));
  const prefix = new Array<number>(a).fill(0);
  const prefixCount = sizeOf(shape.slice(0, a));
  for (let pc = 0; pc < prefixCount; pc++) {
    for (let s = 0; s < shape[a]; s += step) {
      const len = Math.min(step, shape[a] - s);
      let start = s * suffix[a + 1];
      for (let k = 0; k < a; k++) start += prefix[k] * suffix[k + 1];
      const windows = strides.map((st) => {
        let lo = s * st[a];
        for (let k = 0; k < a; k++) lo += prefix[k] * st[k];
        let hi = lo + (len - 1) * st[a];
        for (let k = a + 1; k < r; k++) hi += (shape[k] - 1) * st[k];
        return { lo, hi };
      });
      out.push({ start, count: len * suffix[a + 1], windows });
    }
    for (let k = a - 1; k >= 0; k--) {
      if (++prefix[k] < shape[k]) break;
      prefix[k] = 0;
    }
  }
  return out;
}

/**
 * Runs a gather producing `outShape` (elements of 4 bytes) into a new handle. `op` names the
 * primitive in errors.
 */
export function gather(
  ctx: GpuContext,
  op: string,
  spec: GatherSpec,
  outShape: Shape,
  inputs: readonly GatherInput[],
): Buf {
  const n = sizeOf(outShape);
  return ctx.output(n * 4, (out) => {
    if (n > 0) fill(ctx, op, spec, n, outShape, inputs, out);
  });
}

function fill(
  ctx: GpuContext,
  op: string,
  spec: GatherSpec,
  n: number,
  outShape: Shape,
  inputs: readonly GatherInput[],
  out: Buf,
): void {
  const c = collapse(outShape, inputs.map((x) => x.strides));
  const r = c.shape.length;
  const key = `gather:${spec.key}:${spec.outType}:${inputs.map((x) => x.type).join(",")}`;
  const pipeline = ctx.pipeline(key, () => source(spec, inputs));
  const params = (start: number, count: number, delta: number, qs: readonly number[]) => [
    count,
    start,
    delta,
    r,
    ...c.shape,
    ...c.strides.flat(),
    ...qs,
    ...(spec.extra ?? []),
  ];
  const limit = ctx.limits.maxStorageBufferBindingSize;
  const fits = n * 4 <= limit && inputs.every((x) => x.buf.byteLength <= limit);
  if (fits) {
    const binds = [ctx.whole(out), ...inputs.map((x) => ctx.whole(x.buf))];
    ctx.dispatch(op, pipeline, binds, params(0, n, 0, inputs.map((x) => -x.base)), flatGroups(n));
    return;
  }
  ctx.noteSplit();
  const align = ctx.limits.minStorageBufferOffsetAlignment / 4;
  const cap = Math.floor(limit / 4) - align;
  if (cap < 1) {
    throw new LimitExceededError(op, "maxStorageBufferBindingSize", 4 * (align + 1), limit);
  }
  for (const b of blocks(c.shape, c.strides, cap)) {
    const outOff = Math.floor(b.start / align) * align;
    const binds: Binding[] = [
      { buffer: out.buffer, offset: outOff * 4, size: (b.start - outOff + b.count) * 4 },
    ];
    const qs = inputs.map((x, t) => {
      const lo = b.windows[t].lo + x.base, hi = b.windows[t].hi + x.base;
      const off = Math.floor(lo / align) * align;
      const size = (hi + 1 - off) * 4;
      if (size > limit) {
        throw new LimitExceededError(op, "maxStorageBufferBindingSize", size, limit);
      }
      binds.push({ buffer: x.buf.buffer, offset: off * 4, size });
      return off - x.base;
    });
    ctx.dispatch(
      op,
      pipeline,
      binds,
      params(b.start, b.count, b.start - outOff, qs),
      flatGroups(b.count),
    );
  }
}
