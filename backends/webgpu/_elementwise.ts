/**
 * Elementwise kernels on the gather engine: unary, binary (with broadcasting), where,
 * broadcastTo, cast and oneHot. Float math is float32; int32 ops match the scalar backend's
 * "compute, then store into an Int32Array" results for values in the int32 range.
 * @module
 */

import type { BinaryOp, Kernel, UnaryOp } from "../../core/primitives.ts";
import type { Buf, GpuContext } from "./_context.ts";
import { broadcastStrides, gather, stridesOf } from "./_ew.ts";
import { F2I, wgslType } from "./_wgsl.ts";

/**
 * Float helpers accurate to about 1e-6 relative: `log` near 1 through `atanh`'s series (the
 * builtin loses absolute accuracy there), `tanh` by a series for small |x|, an overflow-safe
 * `sigmoid`, and `pow` with JavaScript's rules for negative bases and zero.
 */
const FLOAT_HELPERS = `
fn logf(x: f32) -> f32 {
  if (x > 0.7 && x < 1.4) {
    let s = (x - 1.0) / (x + 1.0);
    let s2 = s * s;
    let poly = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 +
      s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 / 15.0))))));
    return 2.0 * s * poly;
  }
  return log(x);
}
fn tanhf(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.55) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0 + x2 * (
      62.0 / 2835.0 + x2 * (-1382.0 / 155925.0 + x2 * (21844.0 / 6081075.0 +
      x2 * (-929569.0 / 638512875.0))))))));
  }
  if (a > 10.0) { return sign(x); }
  let e = exp(2.0 * a);
  return sign(x) * (1.0 - 2.0 / (e + 1.0));
}
fn sigmoidf(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (x == 0.0) { return select(bitcast<f32>(0x7f800000u), 0.0, y > 0.0); }
  if (x < 0.0) {
    if (trunc(y) != y) { return bitcast<f32>(0x7fc00000u); }
    let m = exp2(y * log2(-x));
    return select(m, -m, trunc(y * 0.5) != y * 0.5);
  }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  return exp2(y * log2(x));
}`;

/** Integer helpers: JavaScript's `Math.pow` and `/` stored into an Int32Array. */
const INT_HELPERS = `
fn powi(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(1, -1, (y & 1) != 0); }
    return 0;
  }
  var r = 1;
  var b = x;
  var e = y;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { r = r * b; }
    b = b * b;
    e = e >> 1u;
  }
  return r;
}
fn divi(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  if (b == -1) { return -a; }
  return a / b;
}`;

function unaryFloat(op: UnaryOp): string {
  switch (op) {
    case "neg":
      return "-v0";
    case "abs":
      return "abs(v0)";
    case "sign":
      return "sign(v0)";
    case "step":
      return "select(0.0, 1.0, v0 > 0.0)";
    case "exp":
      return "exp(v0)";
    case "log":
      return "logf(v0)";
    case "sqrt":
      return "sqrt(v0)";
    case "square":
      return "v0 * v0";
    case "reciprocal":
      return "1.0 / v0";
    case "relu":
      return "select(0.0, v0, v0 > 0.0)";
    case "sigmoid":
      return "sigmoidf(v0)";
    case "tanh":
      return "tanhf(v0)";
  }
}

function unaryInt(op: UnaryOp): string {
  switch (op) {
    case "neg":
      return "-v0";
    case "abs":
      return "abs(v0)";
    case "sign":
      return "sign(v0)";
    case "step":
      return "select(0, 1, v0 > 0)";
    case "square":
      return "v0 * v0";
    case "reciprocal":
      return "select(0, v0, v0 == 1 || v0 == -1)";
    case "relu":
      return "select(0, v0, v0 > 0)";
    default:
      // exp, log, sqrt, sigmoid, tanh: computed in float32, then truncated.
      return `f2i(${unaryFloat(op).replace("v0", "f32(v0)")})`;
  }
}

function binaryExpr(op: BinaryOp, int: boolean): string {
  const [zero, one] = int ? ["0", "1"] : ["0.0", "1.0"];
  switch (op) {
    case "add":
      return "v0 + v1";
    case "sub":
      return "v0 - v1";
    case "mul":
      return "v0 * v1";
    case "div":
      return int ? "divi(v0, v1)" : "v0 / v1";
    case "pow":
      return int ? "powi(v0, v1)" : "powf(v0, v1)";
    case "maximum":
      return "max(v0, v1)";
    case "minimum":
      return "min(v0, v1)";
    case "greater":
      return `select(${zero}, ${one}, v0 > v1)`;
    case "greaterEqual":
      return `select(${zero}, ${one}, v0 >= v1)`;
    case "equal":
      return `select(${zero}, ${one}, v0 == v1)`;
  }
}

/** Builds the elementwise kernels for `ctx`. */
export function elementwiseKernels(ctx: GpuContext): {
  unary: Kernel<Buf, "unary">;
  binary: Kernel<Buf, "binary">;
  where: Kernel<Buf, "where">;
  broadcastTo: Kernel<Buf, "broadcastTo">;
  cast: Kernel<Buf, "cast">;
  oneHot: Kernel<Buf, "oneHot">;
} {
  return {
    unary([x], { op }, out) {
      const t = wgslType(out.dtype);
      const int = t === "i32";
      const spec = {
        key: `unary:${op}`,
        outType: t,
        expr: int ? unaryInt(op) : unaryFloat(op),
        helpers: FLOAT_HELPERS + F2I,
      };
      const input = { buf: x.handle, type: t, strides: stridesOf(x.shape), base: 0 };
      return gather(ctx, "webgpu unary", spec, out.shape, [input]);
    },
    binary([a, b], { op }, out) {
      const t = wgslType(a.dtype);
      const int = t === "i32";
      const spec = {
        key: `binary:${op}`,
        outType: wgslType(out.dtype),
        expr: binaryExpr(op, int),
        helpers: int ? INT_HELPERS : FLOAT_HELPERS,
      };
      const ins = [a, b].map((x) => ({
        buf: x.handle,
        type: t,
        strides: broadcastStrides(x.shape, out.shape),
        base: 0,
      }));
      return gather(ctx, "webgpu binary", spec, out.shape, ins);
    },
    where([cond, a, b], _attrs, out) {
      const t = wgslType(out.dtype);
      const ct = wgslType(cond.dtype);
      const spec = { key: "where", outType: t, expr: `select(v2, v1, v0 != ${ct}(0))` };
      const ins = [cond, a, b].map((x, i) => ({
        buf: x.handle,
        type: i === 0 ? ct : t,
        strides: broadcastStrides(x.shape, out.shape),
        base: 0,
      }));
      return gather(ctx, "webgpu where", spec, out.shape, ins);
    },
    broadcastTo([x], _attrs, out) {
      const t = wgslType(out.dtype);
      const input = {
        buf: x.handle,
        type: t,
        strides: broadcastStrides(x.shape, out.shape),
        base: 0,
      };
      return gather(ctx, "webgpu broadcastTo", { key: "copy", outType: t, expr: "v0" }, out.shape, [
        input,
      ]);
    },
    cast([x], _attrs, out) {
      const from = wgslType(x.dtype);
      const to = wgslType(out.dtype);
      const expr = from === to ? "v0" : to === "i32" ? "f2i(v0)" : "f32(v0)";
      const input = { buf: x.handle, type: from, strides: stridesOf(x.shape), base: 0 };
      const spec = { key: "cast", outType: to, expr, helpers: F2I };
      return gather(ctx, "webgpu cast", spec, out.shape, [input]);
    },
    oneHot([indices], { depth }, out) {
      const t = wgslType(out.dtype);
      const strides = [...stridesOf(indices.shape), 0];
      const spec = {
        key: "oneHot",
        outType: t,
        expr: `select(${t}(0), ${t}(1), v0 == i32(g % u32(p[E])))`,
        extra: [depth],
      };
      const input = { buf: indices.handle, type: "i32", strides, base: 0 };
      return gather(ctx, "webgpu oneHot", spec, out.shape, [input]);
    },
  };
}
