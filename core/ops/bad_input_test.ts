// Bad input: every case checks the error class (TypeError for shapes, ranks, dtypes and types;
// RangeError for values out of range) and a message fragment that names the op and the argument.

import { assertThrows } from "../../tests/assert.ts";
import {
  add,
  argmax,
  avgPool2d,
  type Backend,
  broadcastTo,
  cast,
  concat,
  conv1d,
  conv2d,
  conv2dTranspose,
  exp,
  flatten,
  im2col,
  matmul,
  max,
  maxPool2d,
  mean,
  oneHot,
  pad,
  relu,
  reshape,
  scalarBackend,
  slice,
  softmax,
  sum,
  tensor,
  transpose,
  where,
  zeros,
} from "../../mod.ts";

/** One bad call, the error class it must raise and a fragment of the message. */
interface Case {
  readonly name: string;
  readonly run: () => unknown;
  readonly error: typeof TypeError | typeof RangeError;
  readonly message: string;
}

/** Runs each case as a step. */
function cases(list: readonly Case[]): (t: Deno.TestContext) => Promise<void> {
  return async (t) => {
    for (const c of list) {
      await t.step(c.name, () => {
        assertThrows(c.run, c.error, c.message);
      });
    }
  };
}

// deno-lint-ignore no-explicit-any
const bad = (v: unknown): any => v; // passes a wrongly typed value, as plain JS callers can

const x = zeros([1, 4, 4, 3]); // [n, h, w, c]
const w = zeros([3, 3, 3, 2]); // [kh, kw, cIn, cOut]
const m23 = zeros([2, 3]);

Deno.test(
  "wrong ranks are TypeErrors naming the argument and its expected layout",
  cases([
    {
      name: "conv2d x of rank 3",
      run: () => conv2d(zeros([4, 4, 3]), w),
      error: TypeError,
      message: "conv2d: x must have rank 4 ([n, h, w, cIn]), but has shape [4, 4, 3]",
    },
    {
      name: "conv2d w of rank 3",
      run: () => conv2d(x, zeros([3, 3, 3])),
      error: TypeError,
      message: "conv2d: w must have rank 4 ([kh, kw, cIn, cOut]), but has shape [3, 3, 3]",
    },
    {
      name: "conv1d x of rank 4",
      run: () => conv1d(x, zeros([3, 3, 2])),
      error: TypeError,
      message: "conv1d: x must have rank 3 ([n, w, cIn])",
    },
    {
      name: "maxPool2d x of rank 3",
      run: () => maxPool2d(zeros([4, 4, 3]), 2),
      error: TypeError,
      message: "maxPool2d: x must have rank 4 ([n, h, w, c]), but has shape [4, 4, 3]",
    },
    {
      name: "avgPool2d x of rank 2",
      run: () => avgPool2d(zeros([4, 4]), 2),
      error: TypeError,
      message: "avgPool2d: x must have rank 4",
    },
    {
      name: "im2col x of rank 3",
      run: () => im2col(zeros([3, 3, 1]), 2),
      error: TypeError,
      message: "im2col: x must have rank 4",
    },
    {
      name: "matmul a of rank 1",
      run: () => matmul(zeros([3]), zeros([3, 2])),
      error: TypeError,
      message: "matmul: a must have rank >= 2 ([..., rows, cols]), but has shape [3]",
    },
    {
      name: "matmul b of rank 1",
      run: () => matmul(m23, zeros([3])),
      error: TypeError,
      message: "matmul: b must have rank >= 2",
    },
    {
      name: "argmax of a scalar",
      run: () => argmax(tensor(1)),
      error: TypeError,
      message: "argmax: x must have rank >= 1",
    },
  ]),
);

Deno.test(
  "mismatched sizes are TypeErrors naming both sides",
  cases([
    {
      name: "conv2d channel mismatch",
      run: () => conv2d(zeros([1, 4, 4, 3]), zeros([3, 3, 4, 2])),
      error: TypeError,
      message: "conv2d: input has 3 channels but the filter expects 4",
    },
    {
      name: "conv1d channel mismatch",
      run: () => conv1d(zeros([1, 5, 2]), zeros([3, 1, 1])),
      error: TypeError,
      message: "conv1d: input has 2 channels but the filter expects 1",
    },
    {
      name: "shapes that do not broadcast",
      run: () => add(m23, zeros([4])),
      error: TypeError,
      message: "add: shapes [2, 3] and [4] do not broadcast (axis -1: 3 vs 4)",
    },
    {
      name: "broadcastTo a shape that would need more",
      run: () => broadcastTo(m23, [3]),
      error: TypeError,
      message: "broadcastTo: x of shape [2, 3] cannot be broadcast to [3]",
    },
    {
      name: "matmul inner size mismatch",
      run: () => matmul(m23, zeros([4, 2])),
      error: TypeError,
      message: "matmul: the inner sizes must agree, but a is [2, 3] and b is [4, 2]",
    },
    {
      name: "matmul batch axes that do not broadcast",
      run: () => matmul(zeros([2, 2, 2]), zeros([3, 2, 2])),
      error: TypeError,
      message: "matmul: the batch axes of a and b must broadcast",
    },
    {
      name: "conv2d bias of the wrong length",
      run: () => conv2d(x, w, { bias: zeros([3]) }),
      error: TypeError,
      message: "conv2d: bias must have shape [2] (one per output channel), but has shape [3]",
    },
    {
      name: "conv2d bias of the wrong rank",
      run: () => conv2d(x, w, { bias: zeros([1, 2]) }),
      error: TypeError,
      message: "conv2d: bias must have shape [2]",
    },
    {
      name: "conv1d bias of the wrong length",
      run: () => conv1d(zeros([1, 5, 1]), zeros([3, 1, 2]), { bias: zeros([1]) }),
      error: TypeError,
      message: "conv1d: bias must have shape [2]",
    },
    {
      name: "conv2dTranspose dy that is not the conv output for inputShape",
      run: () => conv2dTranspose(zeros([1, 3, 3, 2]), zeros([2, 2, 1, 2]), [1, 3, 3, 1]),
      error: TypeError,
      message: "conv2dTranspose: dy must have shape [1, 2, 2, 2]",
    },
  ]),
);

Deno.test(
  "a filter or window larger than the padded input is a RangeError",
  cases([
    {
      name: "conv2d 5x5 filter on 4x4",
      run: () => conv2d(x, zeros([5, 5, 3, 2])),
      error: RangeError,
      message: "conv2d: the filter (5 with dilation 1 spans 5) is larger than the padded input (4)",
    },
    {
      name: "conv2d 3x3 filter with dilation 2 spans 5 on 4x4",
      run: () => conv2d(x, w, { dilation: 2 }),
      error: RangeError,
      message: "conv2d: the filter (3 with dilation 2 spans 5)",
    },
    {
      name: "conv1d 3-tap filter on 2 cells",
      run: () => conv1d(zeros([1, 2, 1]), zeros([3, 1, 1])),
      error: RangeError,
      message: "conv1d: the filter (3 with dilation 1 spans 3) is larger than the padded input (2)",
    },
    {
      name: "maxPool2d 5x5 window on 4x4",
      run: () => maxPool2d(x, 5),
      error: RangeError,
      message: "maxPool2d: the window (5) is larger than the padded input (4)",
    },
    {
      name: "im2col 5x5 filter on 4x4",
      run: () => im2col(x, 5),
      error: RangeError,
      message: "im2col: the filter (5 with dilation 1 spans 5) is larger than the padded input (4)",
    },
    {
      name: "maxPool2d padding so wide a window holds only padding",
      run: () => maxPool2d(zeros([1, 2, 2, 1]), 2, { padding: 2, stride: 1 }),
      error: RangeError,
      message: "maxPool2d: padding [2, 2] is so wide",
    },
  ]),
);

Deno.test(
  "strides, dilations and windows must be integers >= 1",
  cases([
    {
      name: "conv2d stride 0",
      run: () => conv2d(x, w, { stride: 0 }),
      error: RangeError,
      message: "conv2d: stride must be an integer >= 1, but got 0",
    },
    {
      name: "conv2d stride -1",
      run: () => conv2d(x, w, { stride: -1 }),
      error: RangeError,
      message: "conv2d: stride must be an integer >= 1, but got -1",
    },
    {
      name: "conv2d stride [1, 0] names the entry",
      run: () => conv2d(x, w, { stride: [1, 0] }),
      error: RangeError,
      message: "conv2d: stride[1] must be an integer >= 1, but got 0",
    },
    {
      name: "conv2d dilation 0",
      run: () => conv2d(x, w, { dilation: 0 }),
      error: RangeError,
      message: "conv2d: dilation must be an integer >= 1, but got 0",
    },
    {
      name: "maxPool2d stride 0",
      run: () => maxPool2d(x, 2, { stride: 0 }),
      error: RangeError,
      message: "maxPool2d: stride must be an integer >= 1, but got 0",
    },
    {
      name: "maxPool2d window 0",
      run: () => maxPool2d(x, 0),
      error: RangeError,
      message: "maxPool2d: window must be an integer >= 1, but got 0",
    },
    {
      name: "conv1d stride 0",
      run: () => conv1d(zeros([1, 5, 1]), zeros([3, 1, 1]), { stride: 0 }),
      error: RangeError,
      message: "conv1d: stride must be an integer >= 1, but got 0",
    },
    {
      name: "conv2d stride of the wrong form",
      run: () => conv2d(x, w, { stride: bad([1]) }),
      error: TypeError,
      message: "conv2d: stride must be an integer >= 1 or a pair of them, but got [1]",
    },
    {
      name: "conv1d stride given as a pair",
      run: () => conv1d(zeros([1, 5, 1]), zeros([3, 1, 1]), { stride: bad([1, 2]) }),
      error: TypeError,
      message: "conv1d: stride must be an integer >= 1, but got [1, 2]",
    },
  ]),
);

// A fractional stride or window is a number outside the allowed values (RangeError, from
// checkInt); a fractional shape entry is a malformed shape (TypeError, from the shape checks).
Deno.test(
  "non-integer sizes are rejected",
  cases([
    {
      name: "conv2d stride 1.5",
      run: () => conv2d(x, w, { stride: 1.5 }),
      error: RangeError,
      message: "conv2d: stride must be an integer >= 1, but got 1.5",
    },
    {
      name: "maxPool2d window 1.5",
      run: () => maxPool2d(x, 1.5),
      error: RangeError,
      message: "maxPool2d: window must be an integer >= 1, but got 1.5",
    },
    {
      name: "conv2d padding 1.5",
      run: () => conv2d(x, w, { padding: 1.5 }),
      error: RangeError,
      message: "conv2d: padding must be an integer >= 0, but got 1.5",
    },
    {
      name: "reshape to 2.5",
      run: () => reshape(zeros([5]), [2.5, 2]),
      error: TypeError,
      message: "reshape: newShape[0] must be a non-negative integer or -1, but got 2.5",
    },
    {
      name: "zeros with a size of 1.5",
      run: () => zeros([2, 1.5]),
      error: TypeError,
      message: "shape[1] must be a non-negative integer, but got 1.5",
    },
  ]),
);

Deno.test(
  "mismatched or unsupported dtypes are TypeErrors",
  cases([
    {
      name: "add float32 + float64",
      run: () => add(zeros([2]), zeros([2], { dtype: "float64" })),
      error: TypeError,
      message: "add: a and b must have the same dtype, but a is float32 and b is float64",
    },
    {
      name: "conv2d x float32, w float64",
      run: () => conv2d(x, zeros([3, 3, 3, 2], { dtype: "float64" })),
      error: TypeError,
      message: "conv2d: x and w must have the same dtype, but x is float32 and w is float64",
    },
    {
      name: "conv2d on int32",
      run: () =>
        conv2d(zeros([1, 4, 4, 3], { dtype: "int32" }), zeros([3, 3, 3, 2], { dtype: "int32" })),
      error: TypeError,
      message: "conv2d: x must have a floating-point dtype (float32 or float64), but has int32",
    },
    {
      name: "conv1d x float32, w float64",
      run: () => conv1d(zeros([1, 5, 1]), zeros([3, 1, 1], { dtype: "float64" })),
      error: TypeError,
      message: "conv1d: x and w must have the same dtype",
    },
    {
      name: "conv2d bias float64 with float32 w",
      run: () => conv2d(x, w, { bias: zeros([2], { dtype: "float64" }) }),
      error: TypeError,
      message: "conv2d: w and bias must have the same dtype",
    },
    {
      name: "maxPool2d on int32",
      run: () => maxPool2d(zeros([1, 4, 4, 1], { dtype: "int32" }), 2),
      error: TypeError,
      message: "maxPool2d: x must have a floating-point dtype",
    },
    {
      name: "matmul float32 @ float64",
      run: () => matmul(zeros([2, 2]), zeros([2, 2], { dtype: "float64" })),
      error: TypeError,
      message: "matmul: a and b must have the same dtype",
    },
    {
      name: "concat float32 and float64",
      run: () => concat([zeros([2]), zeros([2], { dtype: "float64" })]),
      error: TypeError,
      message: "concat: all tensors must share a dtype, but tensors[0] is float32 and tensors[1]",
    },
    {
      name: "exp on int32",
      run: () => exp(zeros([2], { dtype: "int32" })),
      error: TypeError,
      message: "exp: x must have a floating-point dtype",
    },
    {
      name: "softmax on int32",
      run: () => softmax(zeros([2], { dtype: "int32" })),
      error: TypeError,
      message: "softmax: x must have a floating-point dtype",
    },
    {
      name: "oneHot of float indices",
      run: () => oneHot(zeros([2]), 3),
      error: TypeError,
      message: "oneHot: indices must have dtype int32, but has float32",
    },
    {
      name: "cast to an unknown dtype",
      run: () => cast(zeros([1]), bad("uint8")),
      error: TypeError,
      message: 'cast: dtype must be "float32", "float64" or "int32", but got "uint8"',
    },
  ]),
);

Deno.test(
  "bad padding specs: an unknown form is a TypeError, a negative size a RangeError",
  cases([
    {
      name: 'conv2d padding "middle"',
      run: () => conv2d(x, w, { padding: bad("middle") }),
      error: TypeError,
      message: 'conv2d: padding must be "valid", "same", a non-negative integer or ' +
        '[[top, bottom], [left, right]], but got "middle"',
    },
    {
      name: "conv2d padding [[1, 2]] (one axis only)",
      run: () => conv2d(x, w, { padding: bad([[1, 2]]) }),
      error: TypeError,
      message: "conv2d: padding must be",
    },
    {
      name: "conv2d padding -1",
      run: () => conv2d(x, w, { padding: -1 }),
      error: RangeError,
      message: "conv2d: padding must be an integer >= 0, but got -1",
    },
    {
      name: "conv2d padding [[1, -2], [0, 0]] names the entry",
      run: () => conv2d(x, w, { padding: [[1, -2], [0, 0]] }),
      error: RangeError,
      message: "conv2d: padding[0][1] must be an integer >= 0, but got -2",
    },
    {
      name: 'maxPool2d padding "middle"',
      run: () => maxPool2d(x, 2, { padding: bad("middle") }),
      error: TypeError,
      message: "maxPool2d: padding must be",
    },
    {
      name: 'conv1d padding "middle"',
      run: () => conv1d(zeros([1, 5, 1]), zeros([3, 1, 1]), { padding: bad("middle") }),
      error: TypeError,
      message: 'conv1d: padding must be "valid", "same", a non-negative integer or [before, after]',
    },
    {
      name: "conv1d padding -1",
      run: () => conv1d(zeros([1, 5, 1]), zeros([3, 1, 1]), { padding: -1 }),
      error: RangeError,
      message: "conv1d: padding must be an integer >= 0, but got -1",
    },
    {
      name: "pad with a negative size",
      run: () => pad(zeros([2]), [[-1, 0]]),
      error: RangeError,
      message: "pad: paddings[0][0] must be an integer >= 0, but got -1",
    },
    {
      name: "pad with one pair too many",
      run: () => pad(zeros([2]), [[1, 0], [1, 1]]),
      error: TypeError,
      message: "pad: paddings must hold 1 [before, after] pairs",
    },
  ]),
);

Deno.test(
  "bad reshapes",
  cases([
    {
      name: "size mismatch",
      run: () => reshape(m23, [4, 2]),
      error: TypeError,
      message: "reshape: newShape [4, 2] has 8 elements, but shape [2, 3] has 6",
    },
    {
      name: "two -1s",
      run: () => reshape(m23, [-1, -1]),
      error: RangeError,
      message: "reshape: newShape [-1, -1] has more than one -1",
    },
    {
      name: "-1 that cannot divide the size",
      run: () => reshape(zeros([6]), [4, -1]),
      error: TypeError,
      message: "reshape: newShape [4, -1] cannot hold 6 elements (size must be a multiple of 4)",
    },
    {
      name: "a negative size other than -1",
      run: () => reshape(zeros([6]), [-2, 3]),
      error: RangeError,
      message: "reshape: newShape[0] must be a non-negative integer or -1, but got -2",
    },
    {
      name: "not an array",
      run: () => reshape(m23, bad(6)),
      error: TypeError,
      message: "reshape: newShape must be an array of integers, but got 6",
    },
  ]),
);

Deno.test(
  "axes out of range, duplicate axes and bad permutations",
  cases([
    {
      name: "sum axis 3 on rank 2",
      run: () => sum(m23, { axis: 3 }),
      error: RangeError,
      message: "sum: axis 3 is out of range for rank 2 (expected -2..1)",
    },
    {
      name: "sum axis -3 on rank 2",
      run: () => sum(m23, { axis: -3 }),
      error: RangeError,
      message: "sum: axis -3 is out of range for rank 2",
    },
    {
      name: "sum axis 1.5",
      run: () => sum(m23, { axis: 1.5 }),
      error: TypeError,
      message: "sum: axis must be an integer, but got 1.5",
    },
    {
      name: "duplicate axes (0 and -2 are the same axis)",
      run: () => sum(m23, { axis: [0, -2] }),
      error: RangeError,
      message: "sum: axes [0, -2] name axis 0 more than once",
    },
    {
      name: "softmax axis 1 on rank 1",
      run: () => softmax(zeros([2]), { axis: 1 }),
      error: RangeError,
      message: "softmax: axis 1 is out of range for rank 1",
    },
    {
      name: "argmax axis 2 on rank 2",
      run: () => argmax(m23, { axis: 2 }),
      error: RangeError,
      message: "argmax: axis 2 is out of range for rank 2",
    },
    {
      name: "concat axis 1 on rank 1",
      run: () => concat([zeros([2]), zeros([2])], { axis: 1 }),
      error: RangeError,
      message: "concat: axis 1 is out of range for rank 1",
    },
    {
      name: "flatten with startAxis after endAxis",
      run: () => flatten(zeros([2, 3, 4]), { startAxis: 2, endAxis: 1 }),
      error: RangeError,
      message: "flatten: startAxis 2 (axis 2) comes after endAxis 1",
    },
    {
      name: "perm that repeats an axis",
      run: () => transpose(m23, [0, 0]),
      error: RangeError,
      message: "transpose: perm must be a permutation of 0..1, but [0, 0] repeats axis 0",
    },
    {
      name: "perm with an axis out of range",
      run: () => transpose(m23, [0, 2]),
      error: RangeError,
      message: "transpose: perm must be a permutation of 0..1, but got [0, 2]",
    },
    {
      name: "perm of the wrong length",
      run: () => transpose(m23, [0]),
      error: TypeError,
      message: "transpose: perm must have 2 entries (one per axis), but [0] has 1",
    },
    {
      name: "max over an empty axis",
      run: () => max(zeros([2, 0]), { axis: 1 }),
      error: RangeError,
      message: "max: cannot reduce over an empty axis (x has shape [2, 0])",
    },
    {
      name: "mean of nothing",
      run: () => mean(zeros([0])),
      error: RangeError,
      message: "mean: cannot reduce over an empty axis",
    },
  ]),
);

Deno.test(
  "slices out of bounds and mismatched concatenations",
  cases([
    {
      name: "slice size past the end",
      run: () => slice(m23, [1, 1], [2, 2]),
      error: RangeError,
      message: "slice: size[0] must fit in axis 0 of size 2 from begin 1, but got 2",
    },
    {
      name: "slice begin past the end",
      run: () => slice(m23, [3, 0]),
      error: RangeError,
      message: "slice: begin[0] must be in -2..2 for axis 0 of size 2, but got 3",
    },
    {
      name: "slice begin of the wrong length",
      run: () => slice(m23, [0]),
      error: TypeError,
      message: "slice: begin must have 2 entries (one per axis of shape [2, 3]), but [0] has 1",
    },
    {
      name: "concat shapes that disagree off the axis",
      run: () => concat([m23, zeros([3, 2])], { axis: 0 }),
      error: TypeError,
      message: "concat: input 1 must match input 0 [2, 3] on every axis but 0, but has shape " +
        "[3, 2] (axis 1: 2 vs 3)",
    },
    {
      name: "concat ranks that disagree",
      run: () => concat([zeros([2]), zeros([2, 1])]),
      error: TypeError,
      message: "concat: input 1 must have rank 1 like input 0 [2], but has shape [2, 1]",
    },
    {
      name: "concat of nothing",
      run: () => concat([]),
      error: TypeError,
      message: "concat: tensors must be a non-empty array of Tensors, but got an empty array",
    },
  ]),
);

Deno.test(
  "a VJP called with a dy of the wrong shape, dtype or type",
  cases([
    {
      name: "relu dy of the wrong shape",
      run: () => relu.vjp(m23)[1](zeros([3, 2])),
      error: TypeError,
      message: "relu vjp: dy must have the output's shape [2, 3], but has shape [3, 2]",
    },
    {
      name: "conv2d dy shaped like the input",
      run: () => conv2d.vjp(x, w)[1](zeros([1, 4, 4, 2])),
      error: TypeError,
      message:
        "conv2d vjp: dy must have the output's shape [1, 2, 2, 2], but has shape [1, 4, 4, 2]",
    },
    {
      name: "matmul dy of the wrong dtype",
      run: () => matmul.vjp(zeros([2, 2]), zeros([2, 2]))[1](zeros([2, 2], { dtype: "float64" })),
      error: TypeError,
      message: "matmul vjp: dy must have the output's dtype float32, but has dtype float64",
    },
    {
      name: "maxPool2d dy that is not a Tensor",
      run: () => maxPool2d.vjp(x, 2)[1](bad([1, 2])),
      error: TypeError,
      message: "maxPool2d vjp: dy must be a Tensor",
    },
  ]),
);

Deno.test(
  "a non-Tensor where a Tensor belongs",
  cases([
    {
      name: "relu of an array",
      run: () => relu(bad([1, 2])),
      error: TypeError,
      message: "relu: x must be a Tensor, but got an array",
    },
    {
      name: "conv2d w null",
      run: () => conv2d(x, bad(null)),
      error: TypeError,
      message: "conv2d: w must be a Tensor, but got null",
    },
    {
      name: "conv2d bias as an array",
      run: () => conv2d(x, w, { bias: bad([1, 2]) }),
      error: TypeError,
      message: "conv2d: bias must be a Tensor, but got an array",
    },
    {
      name: "add with a string",
      run: () => add(m23, bad("1")),
      error: TypeError,
      message: "add: b must be a Tensor, but got string",
    },
    {
      name: "add of two numbers",
      run: () => add(bad(1), 2),
      error: TypeError,
      message: "add: at least one of a and b must be a Tensor, but both are numbers",
    },
    {
      name: "matmul b undefined",
      run: () => matmul(m23, bad(undefined)),
      error: TypeError,
      message: "matmul: b must be a Tensor, but got undefined",
    },
    {
      name: "concat with a non-Tensor entry",
      run: () => concat([zeros([2]), bad([1, 2])]),
      error: TypeError,
      message: "concat: tensors[1] must be a Tensor, but got an array",
    },
    {
      name: "where with an array as cond",
      run: () => where(bad([1]), zeros([1]), 0),
      error: TypeError,
      message: "where: cond must be a Tensor, but got an array",
    },
  ]),
);

Deno.test(
  "other wrongly typed options",
  cases([
    {
      name: "avgPool2d countPadded as a string",
      run: () => avgPool2d(x, 2, { countPadded: bad("yes") }),
      error: TypeError,
      message: "avgPool2d: countPadded must be a boolean, but got string",
    },
    {
      name: "matmul transposeA as a string",
      run: () => matmul(zeros([2, 2]), zeros([2, 2]), { transposeA: bad("yes") }),
      error: TypeError,
      message: 'matmul: transposeA must be a boolean, but got "yes"',
    },
    {
      name: "pad value as a string",
      run: () => pad(zeros([2]), [[1, 1]], { value: bad("x") }),
      error: TypeError,
      message: 'pad: value must be a number, but got "x"',
    },
    {
      name: "oneHot depth 0",
      run: () => oneHot(zeros([2], { dtype: "int32" }), 0),
      error: RangeError,
      message: "oneHot: depth must be an integer >= 1, but got 0",
    },
  ]),
);

const other: Backend = { ...scalarBackend, name: "other" };

Deno.test(
  "ops on tensors from two different backends",
  cases([
    {
      name: "add",
      run: () => add(zeros([2]), zeros([2], { backend: other })),
      error: TypeError,
      message: 'add: all inputs must be on one backend, but input 0 is on "scalar" and input 1 ' +
        'is on "other"',
    },
    {
      name: "conv2d",
      run: () => conv2d(x, zeros([3, 3, 3, 2], { backend: other })),
      error: TypeError,
      message: "conv2d: all inputs must be on one backend",
    },
    {
      name: "matmul",
      run: () => matmul(zeros([2, 2]), zeros([2, 2], { backend: other })),
      error: TypeError,
      message: "matmul: all inputs must be on one backend",
    },
    {
      name: "concat",
      run: () => concat([zeros([2]), zeros([2], { backend: other })]),
      error: TypeError,
      message: "concat: all inputs must be on one backend",
    },
  ]),
);
