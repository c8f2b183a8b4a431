/**
 * Hand-worked examples for every scalar kernel, called directly through the kernel table. Every
 * call goes through `run`, which also checks that the kernel returned a fresh array of the right
 * dtype and size and left its inputs untouched.
 */

import { allocate, type DType, type TypedArray } from "../../core/dtype.ts";
import {
  type KernelInputs,
  type KTensor,
  PRIMITIVE_NAMES,
  type PrimitiveName,
  type Primitives,
  type Shape,
} from "../../core/primitives.ts";
import { assert, assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import { scalarBackend } from "./mod.ts";

const k = scalarBackend.kernels;

/** A kernel input of `dtype` holding `values`. */
function t(shape: Shape, values: ArrayLike<number>, dtype: DType = "float64"): KTensor<TypedArray> {
  const handle = allocate(dtype, values.length);
  handle.set(values);
  return { shape, dtype, handle };
}

/** `[0, 1, ..., n - 1]`. */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The number of elements of a shape. */
function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Runs primitive `p` and checks the contract: a new array (not an input's handle) of `dtype`
 * with `size(shape)` elements, and every input unchanged. Returns the output as plain numbers.
 */
function run<P extends PrimitiveName>(
  p: P,
  inputs: KernelInputs<TypedArray, P>,
  attrs: Primitives[P]["attrs"],
  shape: Shape,
  dtype: DType = "float64",
): number[] {
  const list = inputs as readonly KTensor<TypedArray>[];
  const before = list.map((x) => x.handle.slice());
  const res = k[p](inputs, attrs, { shape, dtype });
  assertEquals(res.constructor, allocate(dtype, 0).constructor, `${p} output dtype`);
  assertEquals(res.length, size(shape), `${p} output size`);
  list.forEach((x, i) => {
    assert(x.handle !== res, `${p} returned its input ${i}`);
    assertEquals(x.handle, before[i], `${p} mutated input ${i}`);
  });
  return Array.from(res);
}

/** Asserts two number arrays agree within `tol` element by element. */
function assertClose(actual: number[], expected: number[], tol = 1e-12): void {
  assertEquals(actual.length, expected.length, "length");
  actual.forEach((v, i) => assertAlmostEquals(v, expected[i], tol, `element ${i}`));
}

/** The inner product of two number arrays. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const valid = { stride: [1, 1], dilation: [1, 1], padding: [[0, 0], [0, 0]] } as const;
const stride2pad1 = { stride: [2, 2], dilation: [1, 1], padding: [[1, 1], [1, 1]] } as const;
/** The 3x3 image 1..9 and the 2x2 filter 1..4 used throughout the conv examples. */
const img = t([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
const filt = t([2, 2, 1, 1], [1, 2, 3, 4]);

Deno.test("unary kernels follow the documented conventions at kinks and extremes", async (st) => {
  const x = t([5], [-2, -0.5, 0, 0.5, 3]);
  const u = (op: Primitives["unary"]["attrs"]["op"], input = x, dtype: DType = "float64") =>
    run("unary", [input], { op }, input.shape, dtype);
  await st.step("piecewise ops", () => {
    assertEquals(u("neg"), [2, 0.5, -0, -0.5, -3]);
    assertEquals(u("abs"), [2, 0.5, 0, 0.5, 3]);
    assertEquals(u("sign"), [-1, -1, 0, 1, 1]);
    assertEquals(u("step"), [0, 0, 0, 1, 1]);
    assertEquals(u("relu"), [0, 0, 0, 0.5, 3]);
    assertEquals(u("square"), [4, 0.25, 0, 0.25, 9]);
  });
  await st.step("sign(-0), relu(-0) and step(-0) give +0", () => {
    const z = t([1], [-0]);
    assertEquals(u("sign", z), [0]);
    assertEquals(u("relu", z), [0]);
    assertEquals(u("step", z), [0]);
  });
  await st.step("transcendental ops", () => {
    const p = t([3], [0.25, 1, 4]);
    assertEquals(u("sqrt", p), [0.5, 1, 2]);
    assertEquals(u("reciprocal", p), [4, 1, 0.25]);
    assertClose(u("log", p), [Math.log(0.25), 0, Math.log(4)]);
    assertClose(u("exp", p), [Math.exp(0.25), Math.E, Math.exp(4)]);
    assertClose(u("tanh", p), [Math.tanh(0.25), Math.tanh(1), Math.tanh(4)]);
  });
  await st.step("sigmoid is stable for large |x|", () => {
    const s = u("sigmoid", t([5], [-1000, -2, 0, 2, 1000]));
    const s2 = 1 / (1 + Math.exp(-2));
    assertClose(s, [0, 1 - s2, 0.5, s2, 1]);
    assert(s.every((v) => Number.isFinite(v)));
  });
  await st.step("float32 rounds the result once", () => {
    assertEquals(u("exp", t([1], [1], "float32"), "float32"), [Math.fround(Math.E)]);
  });
  await st.step("int32 neg, abs and sign", () => {
    const i = t([3], [-3, 0, 5], "int32");
    assertEquals(u("neg", i, "int32"), [3, 0, -5]);
    assertEquals(u("abs", i, "int32"), [3, 0, 5]);
    assertEquals(u("sign", i, "int32"), [-1, 0, 1]);
  });
});

Deno.test("binary kernels broadcast like NumPy", async (st) => {
  await st.step("same shape and scalar operands", () => {
    assertEquals(
      run("binary", [t([3], [1, 2, 3]), t([3], [10, 20, 30])], { op: "add" }, [3]),
      [11, 22, 33],
    );
    const m = t([2, 2], [1, 2, 3, 4]);
    assertEquals(run("binary", [m, t([], [10])], { op: "mul" }, [2, 2]), [10, 20, 30, 40]);
    assertEquals(run("binary", [t([], [10]), m], { op: "sub" }, [2, 2]), [9, 8, 7, 6]);
  });
  await st.step("a column against a row", () => {
    const out = run("binary", [t([2, 1], [1, 2]), t([3], [10, 20, 30])], { op: "add" }, [2, 3]);
    assertEquals(out, [11, 21, 31, 12, 22, 32]);
  });
  await st.step("size-1 axes in the middle", () => {
    const a = t([2, 1, 2], [1, 2, 3, 4]);
    const b = t([1, 3, 1], [10, 20, 30]);
    assertEquals(
      run("binary", [a, b], { op: "add" }, [2, 3, 2]),
      [11, 12, 21, 22, 31, 32, 13, 14, 23, 24, 33, 34],
    );
  });
  await st.step("every op", () => {
    const a = t([4], [1, 4, -2, 3]);
    const b = t([4], [2, 2, 3, 3]);
    const f = (op: Primitives["binary"]["attrs"]["op"]) => run("binary", [a, b], { op }, [4]);
    assertClose(f("div"), [0.5, 2, -2 / 3, 1]);
    assertEquals(f("pow"), [1, 16, -8, 27]);
    assertEquals(f("maximum"), [2, 4, 3, 3]);
    assertEquals(f("minimum"), [1, 2, -2, 3]);
    assertEquals(f("greater"), [0, 1, 0, 0]);
    assertEquals(f("greaterEqual"), [0, 1, 0, 1]);
    assertEquals(f("equal"), [0, 0, 0, 1]);
  });
  await st.step("int32 arithmetic and comparisons", () => {
    const a = t([2], [5, -7], "int32");
    const b = t([2], [2, 2], "int32");
    const f = (op: Primitives["binary"]["attrs"]["op"]) =>
      run("binary", [a, b], { op }, [2], "int32");
    assertEquals(f("add"), [7, -5]);
    assertEquals(f("sub"), [3, -9]);
    assertEquals(f("mul"), [10, -14]);
    assertEquals(f("div"), [2, -3]); // stored truncated toward zero
    assertEquals(f("maximum"), [5, 2]);
    assertEquals(f("minimum"), [2, -7]);
    assertEquals(f("greater"), [1, 0]);
  });
});

Deno.test("where and broadcastTo repeat size-1 axes", () => {
  const cond = t([2, 1], [1, 0], "int32");
  const out = run("where", [cond, t([3], [1, 2, 3]), t([], [-1])], {}, [2, 3]);
  assertEquals(out, [1, 2, 3, -1, -1, -1]);
  assertEquals(
    run("broadcastTo", [t([3, 1], [1, 2, 3])], {}, [2, 3, 2]),
    [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3],
  );
  assertEquals(run("broadcastTo", [t([], [7], "int32")], {}, [2, 2], "int32"), [7, 7, 7, 7]);
});

Deno.test("reduce sums, maxes and mins over any set of axes", async (st) => {
  const m = t([2, 3], [1, 2, 3, 4, 5, 6]);
  await st.step("a matrix", () => {
    assertEquals(run("reduce", [m], { op: "sum", axes: [0] }, [3]), [5, 7, 9]);
    assertEquals(run("reduce", [m], { op: "sum", axes: [1] }, [2]), [6, 15]);
    assertEquals(run("reduce", [m], { op: "sum", axes: [0, 1] }, []), [21]);
    assertEquals(run("reduce", [m], { op: "max", axes: [] }, [2, 3]), [1, 2, 3, 4, 5, 6]);
  });
  await st.step("non-adjacent axes of a rank-3 tensor", () => {
    const x = t([2, 3, 2], range(12)); // x[i, j, k] = 6i + 2j + k
    assertEquals(run("reduce", [x], { op: "sum", axes: [0, 2] }, [3]), [14, 22, 30]);
    assertEquals(run("reduce", [x], { op: "max", axes: [1] }, [2, 2]), [4, 5, 10, 11]);
    assertEquals(run("reduce", [x], { op: "min", axes: [0, 2] }, [3]), [0, 2, 4]);
  });
  await st.step("a sum over no elements is 0", () => {
    assertEquals(run("reduce", [t([2, 0], [])], { op: "sum", axes: [1] }, [2]), [0, 0]);
  });
  await st.step("float32 sums accumulate in doubles and round once", () => {
    const tiny = 2 ** -24; // 1 + tiny rounds back to 1 in float32
    const x = t([3], [1, tiny, tiny], "float32");
    assertEquals(run("reduce", [x], { op: "sum", axes: [0] }, [], "float32"), [1 + 2 * tiny]);
  });
  await st.step("int32", () => {
    const x = t([3], [4, -9, 2], "int32");
    assertEquals(run("reduce", [x], { op: "sum", axes: [0] }, [], "int32"), [-3]);
    assertEquals(run("reduce", [x], { op: "max", axes: [0] }, [], "int32"), [4]);
    assertEquals(run("reduce", [x], { op: "min", axes: [0] }, [], "int32"), [-9]);
  });
});

Deno.test("argReduce gives the first index on ties", () => {
  const x = t([2, 3], [1, 3, 3, 2, 0, 2]);
  const arg = (op: "argmax" | "argmin", axis: number, shape: Shape) =>
    run("argReduce", [x], { op, axis }, shape, "int32");
  assertEquals(arg("argmax", 1, [2]), [1, 0]);
  assertEquals(arg("argmin", 1, [2]), [0, 1]);
  assertEquals(arg("argmax", 0, [3]), [1, 0, 0]);
  assertEquals(arg("argmin", 0, [3]), [0, 1, 1]);
  const flat = t([2, 2], [5, 5, 5, 5]);
  assertEquals(run("argReduce", [flat], { op: "argmax", axis: 0 }, [2], "int32"), [0, 0]);
});

Deno.test("matmul handles both transposes and a batch of one on either side", async (st) => {
  const expected = [58, 64, 139, 154]; // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]]
  const a = t([1, 2, 3], [1, 2, 3, 4, 5, 6]);
  const aT = t([1, 3, 2], [1, 4, 2, 5, 3, 6]);
  const b = t([1, 3, 2], [7, 8, 9, 10, 11, 12]);
  const bT = t([1, 2, 3], [7, 9, 11, 8, 10, 12]);
  const mm = (
    x: KTensor<TypedArray>,
    y: KTensor<TypedArray>,
    transposeA: boolean,
    transposeB: boolean,
  ) => run("matmul", [x, y], { transposeA, transposeB }, [1, 2, 2]);
  await st.step("plain and transposed layouts", () => {
    assertEquals(mm(a, b, false, false), expected);
    assertEquals(mm(aT, b, true, false), expected);
    assertEquals(mm(a, bT, false, true), expected);
    assertEquals(mm(aT, bT, true, true), expected);
  });
  await st.step("batch broadcast", () => {
    const twoA = t([2, 2, 2], [1, 0, 0, 1, 2, 0, 0, 2]); // I and 2I
    const oneB = t([1, 2, 1], [3, 4]);
    const opts = { transposeA: false, transposeB: false };
    assertEquals(run("matmul", [twoA, oneB], opts, [2, 2, 1]), [3, 4, 6, 8]);
    const oneA = t([1, 1, 2], [1, 1]);
    const twoB = t([2, 2, 1], [1, 2, 3, 4]);
    assertEquals(run("matmul", [oneA, twoB], opts, [2, 1, 1]), [3, 7]);
  });
});

Deno.test("conv2d matches hand-worked 3x3 examples", async (st) => {
  await st.step("valid, stride 1, and a batch of two", () => {
    assertEquals(run("conv2d", [img, filt], valid, [1, 2, 2, 1]), [37, 47, 67, 77]);
    const two = t([2, 3, 3, 1], [
      ...range(9).map((i) => i + 1),
      ...range(9).map((i) => 10 * i + 10),
    ]);
    assertEquals(
      run("conv2d", [two, filt], valid, [2, 2, 2, 1]),
      [37, 47, 67, 77, 370, 470, 670, 770],
    );
  });
  await st.step("stride 2 with padding 1", () => {
    assertEquals(run("conv2d", [img, filt], stride2pad1, [1, 2, 2, 1]), [4, 18, 36, 77]);
  });
  await st.step("asymmetric padding", () => {
    const g = { stride: [1, 1], dilation: [1, 1], padding: [[0, 1], [1, 0]] } as const;
    assertEquals(run("conv2d", [img, filt], g, [1, 3, 3, 1]), [18, 37, 47, 36, 67, 77, 14, 23, 26]);
  });
  await st.step("dilation 2", () => {
    const g = { stride: [1, 1], dilation: [2, 2], padding: [[0, 0], [0, 0]] } as const;
    assertEquals(run("conv2d", [img, filt], g, [1, 1, 1, 1]), [64]); // 1*1 + 3*2 + 7*3 + 9*4
  });
  await st.step("channels in and out", () => {
    const x = t([1, 1, 2, 2], [1, 2, 3, 4]);
    const w = t([1, 1, 2, 3], [1, 0, 1, 0, 1, 1]); // out = [x0, x1, x0 + x1]
    assertEquals(run("conv2d", [x, w], valid, [1, 1, 2, 3]), [1, 2, 3, 3, 4, 7]);
  });
});

Deno.test("conv2dBackpropInput is the transposed convolution", async (st) => {
  await st.step("valid, stride 1", () => {
    const one = t([1, 2, 2, 1], [1, 0, 0, 0]);
    assertEquals(
      run("conv2dBackpropInput", [one, filt], valid, [1, 3, 3, 1]),
      [1, 2, 0, 3, 4, 0, 0, 0, 0],
    );
    const ones = t([1, 2, 2, 1], [1, 1, 1, 1]);
    assertEquals(
      run("conv2dBackpropInput", [ones, filt], valid, [1, 3, 3, 1]),
      [1, 3, 2, 4, 10, 6, 3, 7, 4],
    );
  });
  await st.step("stride 2 with padding 1, and the adjoint identity", () => {
    const dy = t([1, 2, 2, 1], [1, 2, 3, 4]);
    const dx = run("conv2dBackpropInput", [dy, filt], stride2pad1, [1, 3, 3, 1]);
    assertEquals(dx, [4, 6, 8, 6, 4, 8, 12, 12, 16]);
    const y = run("conv2d", [img, filt], stride2pad1, [1, 2, 2, 1]);
    assertEquals(dot(y, dy.handle), dot(img.handle, dx)); // both 456
  });
});

Deno.test("conv2dBackpropFilter correlates the input with dy", async (st) => {
  await st.step("valid, stride 1", () => {
    const one = t([1, 2, 2, 1], [1, 0, 0, 0]);
    assertEquals(run("conv2dBackpropFilter", [img, one], valid, [2, 2, 1, 1]), [1, 2, 4, 5]);
    const ones = t([1, 2, 2, 1], [1, 1, 1, 1]);
    assertEquals(run("conv2dBackpropFilter", [img, ones], valid, [2, 2, 1, 1]), [12, 16, 24, 28]);
  });
  await st.step("stride 2 with padding 1, and the adjoint identity", () => {
    const dy = t([1, 2, 2, 1], [1, 2, 3, 4]);
    const dw = run("conv2dBackpropFilter", [img, dy], stride2pad1, [2, 2, 1, 1]);
    assertEquals(dw, [20, 36, 36, 64]);
    assertEquals(dot(filt.handle, dw), 456);
  });
  await st.step("dilation 2", () => {
    const g = { stride: [1, 1], dilation: [2, 2], padding: [[0, 0], [0, 0]] } as const;
    const dy = t([1, 1, 1, 1], [2]);
    assertEquals(run("conv2dBackpropFilter", [img, dy], g, [2, 2, 1, 1]), [2, 6, 14, 18]);
  });
});

Deno.test("im2col lays out patches as documented and col2im is its adjoint", async (st) => {
  const g2x2 = { ...valid, filterSize: [2, 2] } as const;
  await st.step("one channel, valid", () => {
    assertEquals(run("im2col", [img], g2x2, [4, 4]), [
      ...[1, 2, 4, 5],
      ...[2, 3, 5, 6],
      ...[4, 5, 7, 8],
      ...[5, 6, 8, 9],
    ]);
  });
  await st.step("two channels with left padding: columns are (p*kw + q)*c + ch", () => {
    const x = t([1, 1, 2, 2], [1, 2, 3, 4]);
    const g = { ...valid, padding: [[0, 0], [1, 0]], filterSize: [1, 2] } as const;
    assertEquals(run("im2col", [x], g, [2, 4]), [0, 0, 1, 2, 1, 2, 3, 4]);
  });
  await st.step("conv2d equals im2col @ reshape(w)", () => {
    const g = { stride: [1, 1], dilation: [1, 1], padding: [[0, 1], [1, 0]] } as const;
    const cols = run("im2col", [img], { ...g, filterSize: [2, 2] }, [9, 4]);
    const opts = { transposeA: false, transposeB: false };
    const prod = run("matmul", [t([1, 9, 4], cols), t([1, 4, 1], [1, 2, 3, 4])], opts, [1, 9, 1]);
    assertEquals(prod, run("conv2d", [img, filt], g, [1, 3, 3, 1]));
  });
  await st.step("col2im of ones counts the windows covering each cell", () => {
    assertEquals(run("col2im", [t([4, 4], new Array(16).fill(1))], g2x2, [1, 3, 3, 1]), [
      ...[1, 2, 1],
      ...[2, 4, 2],
      ...[1, 2, 1],
    ]);
  });
  await st.step("<im2col(x), c> equals <x, col2im(c)> with stride and padding", () => {
    const g = { ...stride2pad1, filterSize: [2, 2] } as const;
    const c = t([4, 4], range(16).map((i) => i - 7));
    const lhs = dot(run("im2col", [img], g, [4, 4]), c.handle);
    const rhs = dot(img.handle, run("col2im", [c], g, [1, 3, 3, 1]));
    assertEquals(lhs, rhs);
  });
});

Deno.test("pool2d with padding: max ignores padded cells, avg counts them only on request", async (st) => {
  const g = { window: [2, 2], stride: [2, 2], padding: [[1, 1], [1, 1]] } as const;
  const pool = (x: KTensor<TypedArray>, op: "max" | "avg", countPadded: boolean) =>
    run("pool2d", [x], { ...g, op, countPadded }, [1, 2, 2, 1]);
  await st.step("max", () => {
    assertEquals(pool(img, "max", false), [1, 3, 7, 9]);
    const neg = t([1, 3, 3, 1], range(9).map((i) => -1 - i));
    assertEquals(pool(neg, "max", false), [-1, -2, -4, -5]);
  });
  await st.step("avg over real cells only", () => {
    assertEquals(pool(img, "avg", false), [1, 2.5, 5.5, 7]);
  });
  await st.step("avg counting padded cells", () => {
    assertEquals(pool(img, "avg", true), [0.25, 1.25, 2.75, 7]);
  });
  await st.step("channels pool independently", () => {
    const x = t([1, 2, 2, 2], [1, 8, 2, 7, 3, 6, 4, 5]);
    const v = { window: [2, 2], stride: [1, 1], padding: [[0, 0], [0, 0]] } as const;
    assertEquals(run("pool2d", [x], { ...v, op: "max", countPadded: false }, [1, 1, 1, 2]), [4, 8]);
    assertEquals(
      run("pool2d", [x], { ...v, op: "avg", countPadded: false }, [1, 1, 1, 2]),
      [2.5, 6.5],
    );
  });
});

Deno.test("maxPool2dBackward routes dy to the first winner and adds overlaps", async (st) => {
  const v = { window: [2, 2], stride: [1, 1], padding: [[0, 0], [0, 0]] } as const;
  await st.step("ties go to the first cell in window order", () => {
    const dy = t([1, 1, 1, 1], [7]);
    assertEquals(
      run("maxPool2dBackward", [t([1, 2, 2, 1], [5, 5, 5, 5]), dy], v, [1, 2, 2, 1]),
      [7, 0, 0, 0],
    );
    assertEquals(
      run("maxPool2dBackward", [t([1, 2, 2, 1], [1, 3, 3, 2]), dy], v, [1, 2, 2, 1]),
      [0, 7, 0, 0],
    );
  });
  await st.step("overlapping windows add up", () => {
    const g = { window: [1, 2], stride: [1, 1], padding: [[0, 0], [0, 0]] } as const;
    const x = t([1, 1, 3, 1], [1, 5, 2]);
    const dy = t([1, 1, 2, 1], [1, 2]);
    assertEquals(run("maxPool2dBackward", [x, dy], g, [1, 1, 3, 1]), [0, 3, 0]);
  });
  await st.step("padded cells never win", () => {
    const g = { window: [2, 2], stride: [2, 2], padding: [[1, 1], [1, 1]] } as const;
    const neg = t([1, 3, 3, 1], range(9).map((i) => -1 - i));
    const dy = t([1, 2, 2, 1], [1, 2, 3, 4]);
    assertEquals(run("maxPool2dBackward", [neg, dy], g, [1, 3, 3, 1]), [1, 2, 0, 3, 4, 0, 0, 0, 0]);
  });
});

Deno.test("avgPool2dBackward spreads dy with the forward divisor", () => {
  const g = { window: [2, 2], stride: [2, 2], padding: [[1, 1], [1, 1]] } as const;
  const dy = t([1, 2, 2, 1], [1, 2, 3, 4]);
  for (const countPadded of [false, true]) {
    const dx = run("avgPool2dBackward", [dy], { ...g, countPadded }, [1, 3, 3, 1]);
    assertEquals(
      dx,
      countPadded ? [0.25, 0.5, 0.5, 0.75, 1, 1, 0.75, 1, 1] : [1, 1, 1, 1.5, 1, 1, 1.5, 1, 1],
    );
    const y = run("pool2d", [img], { ...g, op: "avg", countPadded }, [1, 2, 2, 1]);
    assertEquals(dot(y, dy.handle), dot(img.handle, dx)); // 39 and 50.5
  }
});

Deno.test("layout kernels: transpose, slice, pad, concat", async (st) => {
  await st.step("transpose", () => {
    assertEquals(
      run("transpose", [t([2, 3], range(6))], { perm: [1, 0] }, [3, 2]),
      [0, 3, 1, 4, 2, 5],
    );
    // out[k, i, j] = x[i, j, k] = 12i + 4j + k
    const x = t([2, 3, 4], range(24));
    assertEquals(run("transpose", [x], { perm: [2, 0, 1] }, [4, 2, 3]), [
      ...[0, 4, 8, 12, 16, 20],
      ...[1, 5, 9, 13, 17, 21],
      ...[2, 6, 10, 14, 18, 22],
      ...[3, 7, 11, 15, 19, 23],
    ]);
  });
  await st.step("slice", () => {
    assertEquals(run("slice", [t([3, 4], range(12))], { begin: [1, 1] }, [2, 2]), [5, 6, 9, 10]);
    assertEquals(run("slice", [t([2, 3, 2], range(12))], { begin: [1, 0, 1] }, [1, 2, 1]), [7, 9]);
  });
  await st.step("pad", () => {
    const x = t([2, 2], [1, 2, 3, 4]);
    const paddings = [[1, 0], [0, 2]] as const;
    assertEquals(run("pad", [x], { paddings, value: 0 }, [3, 4]), [
      ...[0, 0, 0, 0],
      ...[1, 2, 0, 0],
      ...[3, 4, 0, 0],
    ]);
    assertEquals(run("pad", [x], { paddings, value: -1 }, [3, 4]), [
      ...[-1, -1, -1, -1],
      ...[1, 2, -1, -1],
      ...[3, 4, -1, -1],
    ]);
  });
  await st.step("concat", () => {
    const a = t([2, 1], [1, 2]);
    const b = t([2, 2], [3, 4, 5, 6]);
    assertEquals(run("concat", [a, b, a], { axis: 1 }, [2, 4]), [1, 3, 4, 1, 2, 5, 6, 2]);
    assertEquals(run("concat", [b, t([1, 2], [7, 8])], { axis: 0 }, [3, 2]), [3, 4, 5, 6, 7, 8]);
  });
});

Deno.test("cast truncates toward zero and oneHot leaves out-of-range rows empty", async (st) => {
  await st.step("cast", () => {
    const x = t([4], [1.7, -1.7, 2.5, -0.5]);
    assertEquals(run("cast", [x], {}, [4], "int32"), [1, -1, 2, 0]);
    assertEquals(run("cast", [t([1], [0.1])], {}, [1], "float32"), [Math.fround(0.1)]);
    assertEquals(run("cast", [t([2], [-3, 4], "int32")], {}, [2], "float64"), [-3, 4]);
  });
  await st.step("oneHot", () => {
    const idx = t([4], [0, 2, 3, -1], "int32");
    assertEquals(run("oneHot", [idx], { depth: 3 }, [4, 3], "float32"), [
      ...[1, 0, 0],
      ...[0, 0, 1],
      ...[0, 0, 0],
      ...[0, 0, 0],
    ]);
  });
});

/** One sample call per primitive; the mapped type makes the compiler demand all of them. */
const samples: {
  [P in PrimitiveName]: [KernelInputs<TypedArray, P>, Primitives[P]["attrs"], Shape];
} = {
  unary: [[t([3], [-1, 0, 2])], { op: "sigmoid" }, [3]],
  binary: [[t([2, 1], [1, 2]), t([3], [3, 4, 5])], { op: "pow" }, [2, 3]],
  where: [[t([2], [0, 1]), t([2], [1, 2]), t([2], [3, 4])], {}, [2]],
  broadcastTo: [[t([1, 2], [1, 2])], {}, [3, 2]],
  reduce: [[t([2, 3], range(6))], { op: "max", axes: [1] }, [2]],
  argReduce: [[t([2, 3], [3, 1, 2, 0, 5, 4])], { op: "argmin", axis: 1 }, [2]],
  matmul: [
    [t([1, 2, 2], [1, 2, 3, 4]), t([1, 2, 2], [5, 6, 7, 8])],
    { transposeA: true, transposeB: true },
    [1, 2, 2],
  ],
  conv2d: [[img, filt], stride2pad1, [1, 2, 2, 1]],
  conv2dBackpropInput: [[t([1, 2, 2, 1], [1, 2, 3, 4]), filt], stride2pad1, [1, 3, 3, 1]],
  conv2dBackpropFilter: [[img, t([1, 2, 2, 1], [1, 2, 3, 4])], stride2pad1, [2, 2, 1, 1]],
  im2col: [[img], { ...stride2pad1, filterSize: [2, 2] }, [4, 4]],
  col2im: [[t([4, 4], range(16))], { ...stride2pad1, filterSize: [2, 2] }, [1, 3, 3, 1]],
  pool2d: [
    [img],
    { window: [2, 2], stride: [1, 1], padding: [[1, 0], [0, 1]], op: "avg", countPadded: true },
    [1, 3, 3, 1],
  ],
  maxPool2dBackward: [
    [img, t([1, 2, 2, 1], [1, 2, 3, 4])],
    { window: [2, 2], stride: [1, 1], padding: [[0, 0], [0, 0]] },
    [1, 3, 3, 1],
  ],
  avgPool2dBackward: [
    [t([1, 2, 2, 1], [1, 2, 3, 4])],
    { window: [2, 2], stride: [1, 1], padding: [[0, 0], [0, 0]], countPadded: false },
    [1, 3, 3, 1],
  ],
  transpose: [[t([2, 3], range(6))], { perm: [1, 0] }, [3, 2]],
  slice: [[t([3, 3], range(9))], { begin: [1, 0] }, [2, 2]],
  pad: [[t([2], [1, 2])], { paddings: [[1, 1]], value: 9 }, [4]],
  concat: [[t([1], [1]), t([2], [2, 3])], { axis: 0 }, [3]],
  cast: [[t([2], [1.5, -2.5])], {}, [2]],
  oneHot: [[t([2], [1, 0], "int32")], { depth: 2 }, [2, 2]],
};

Deno.test("no kernel mutates its inputs or returns one of them", () => {
  const runSample = <P extends PrimitiveName>(p: P) => {
    const [inputs, attrs, shape] = samples[p];
    run(p, inputs, attrs, shape); // `run` checks the inputs after the call
  };
  for (const p of PRIMITIVE_NAMES) runSample(p);
});

Deno.test("upload and read copy the data", async () => {
  const data = new Float32Array([1, 2, 3]);
  const h = scalarBackend.upload(data, [3], "float32");
  data[0] = 99;
  assertEquals(Array.from(h), [1, 2, 3]);
  const r = await scalarBackend.read(h, "float32", 3);
  const s = scalarBackend.readSync!(h, "float32", 3);
  assert(r !== h && s !== h);
  r[0] = -1;
  s[1] = -1;
  assertEquals(Array.from(h), [1, 2, 3]);
  assertEquals(scalarBackend.name, "scalar");
  assertEquals(scalarBackend.dtypes, ["float32", "float64", "int32"]);
});
