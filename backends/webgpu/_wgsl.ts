/**
 * WGSL building blocks shared by every kernel: storage types, binding declarations and the entry
 * point that turns a (possibly 3D, possibly chunked) dispatch into one linear workgroup index.
 * @module
 */

import type { DType } from "../../core/dtype.ts";

/** Invocations per workgroup of the one-thread-per-element kernels. */
export const WG = 256;

/** The WGSL storage type of a dtype: `f32` or `i32` (the backend stores nothing else). */
export function wgslType(dtype: DType): "f32" | "i32" {
  if (dtype === "float32") return "f32";
  if (dtype === "int32") return "i32";
  throw new TypeError(`webgpu: dtype must be "float32" or "int32", but got "${dtype}"`);
}

/**
 * The binding declarations: binding 0 is the parameter array `p`, binding 1 the output `out`
 * (read-write), then one read-only array per input, named and typed as given.
 */
export function bindings(outType: string, inputs: readonly (readonly [string, string])[]): string {
  const lines = [
    "@group(0) @binding(0) var<storage, read> p: array<i32>;",
    `@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;`,
    ...inputs.map(([name, type], i) =>
      `@group(0) @binding(${i + 2}) var<storage, read> ${name}: array<${type}>;`
    ),
  ];
  return lines.join("\n");
}

/**
 * A compute entry point of `size` invocations. The body sees `wgi` (the linear workgroup index,
 * already checked against the dispatch's total `p[1]`) and `lid` (the local invocation index).
 */
export function entry(size: number, body: string): string {
  return `
@compute @workgroup_size(${size})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let wgi = u32(p[0]) + (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wgi >= u32(p[1])) { return; }
${body}
}`;
}

/**
 * A one-thread-per-element entry point: the body sees `i`, the element index within this call,
 * already checked against the count `p[2]`.
 */
export function flatEntry(body: string): string {
  return entry(
    WG,
    `  let i = wgi * ${WG}u + lid;
  if (i >= u32(p[2])) { return; }
${body}`,
  );
}

/** Workgroups needed for `n` elements, one thread each. */
export function flatGroups(n: number): number {
  return Math.ceil(n / WG);
}

/** The bit pattern of `v` as a float32, read back in WGSL with `bitcast<f32>(p[k])`. */
export function f32Bits(v: number): number {
  const f = new Float32Array([v]);
  return new Int32Array(f.buffer)[0];
}

/**
 * WGSL helpers for float-to-int32 conversion as a typed-array store does it (truncate toward
 * zero, NaN to 0, out-of-range values wrap modulo 2^32).
 */
export const F2I = `
fn f2i(f: f32) -> i32 {
  if (f != f || abs(f) > 3.0e38) { return 0; }
  let t = trunc(f);
  if (abs(t) < 2147483648.0) { return i32(t); }
  var r = t - 4294967296.0 * floor(t / 4294967296.0);
  if (r >= 2147483648.0) { r = r - 4294967296.0; }
  return i32(r);
}`;
