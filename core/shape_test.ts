import { assertEquals, assertThrows } from "../tests/assert.ts";
import { fc, fcParams } from "../tests/fc.ts";
import {
  broadcastReductionAxes,
  broadcastShapes,
  checkPerm,
  checkShape,
  concatShape,
  flattenShape,
  inferReshape,
  inversePerm,
  normalizeAxes,
  normalizeAxis,
  padShape,
  permuteShape,
  resolveSlice,
  shapesEqual,
  sizeOf,
  stridesOf,
} from "./shape.ts";

/** Small shapes of rank 0..4, sizes 0..4 with size 1 drawn often (so that broadcasting works). */
const smallShape = fc.array(fc.constantFrom(0, 1, 1, 1, 2, 3, 4), { maxLength: 4 });

Deno.test("sizeOf() multiplies the sizes and gives 1 for a scalar", () => {
  assertEquals(sizeOf([2, 3, 4]), 24);
  assertEquals(sizeOf([]), 1);
  assertEquals(sizeOf([3, 0, 2]), 0);
});

Deno.test("stridesOf() gives row-major strides", () => {
  assertEquals(stridesOf([2, 3, 4]), [12, 4, 1]);
  assertEquals(stridesOf([5]), [1]);
  assertEquals(stridesOf([]), []);
});

Deno.test("checkShape() copies a valid shape and rejects bad ones", async (t) => {
  await t.step("valid shapes come back as copies", () => {
    const s = [2, 0, 3];
    const c = checkShape("zeros", "shape", s);
    assertEquals(c, [2, 0, 3]);
    s[0] = 9;
    assertEquals(c[0], 2);
    assertEquals(checkShape("zeros", "shape", []), []);
  });
  await t.step("a non-array is a TypeError", () => {
    assertThrows(() => checkShape("zeros", "shape", 3), TypeError, "zeros: shape must be an array");
    assertThrows(() => checkShape("zeros", "shape", "abc"), TypeError, '"abc"');
  });
  await t.step("a fractional or non-number entry is a TypeError", () => {
    assertThrows(
      () => checkShape("zeros", "shape", [2, 2.5]),
      TypeError,
      "zeros: shape[1] must be a non-negative integer, but got 2.5",
    );
    assertThrows(() => checkShape("zeros", "shape", ["2"]), TypeError, '"2"');
    assertThrows(() => checkShape("zeros", "shape", [NaN]), TypeError, "NaN");
    assertThrows(() => checkShape("zeros", "shape", [Infinity]), TypeError, "Infinity");
  });
  await t.step("a negative or unsafe entry is a RangeError", () => {
    assertThrows(() => checkShape("ones", "shape", [-1]), RangeError, "ones: shape[0]");
    assertThrows(() => checkShape("ones", "shape", [2 ** 60]), RangeError, "at most");
  });
});

Deno.test("shapesEqual() compares rank and sizes", () => {
  assertEquals(shapesEqual([2, 3], [2, 3]), true);
  assertEquals(shapesEqual([2, 3], [3, 2]), false);
  assertEquals(shapesEqual([2], [2, 1]), false);
  assertEquals(shapesEqual([], []), true);
});

Deno.test("broadcastShapes() follows NumPy rules", async (t) => {
  await t.step("examples", () => {
    assertEquals(broadcastShapes("add", [2, 1, 4], [3, 1]), [2, 3, 4]);
    assertEquals(broadcastShapes("add", [], [2, 3]), [2, 3]);
    assertEquals(broadcastShapes("add", [1], [0]), [0]);
    assertEquals(broadcastShapes("add", [5, 1], [1, 1]), [5, 1]);
  });
  await t.step("incompatible shapes name the axis from the end", () => {
    assertThrows(
      () => broadcastShapes("add", [2, 3], [4]),
      TypeError,
      "add: shapes [2, 3] and [4] do not broadcast (axis -1: 3 vs 4)",
    );
    assertThrows(() => broadcastShapes("mul", [2, 3], [3, 3]), TypeError, "(axis -2: 2 vs 3)");
  });
  await t.step("it is commutative, and both inputs reduce back from the result", () => {
    fc.assert(
      fc.property(smallShape, smallShape, (a, b) => {
        let ab: number[];
        try {
          ab = broadcastShapes("add", a, b);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          assertThrows(() => broadcastShapes("add", b, a), TypeError);
          return;
        }
        assertEquals(broadcastShapes("add", b, a), ab);
        for (const from of [a, b]) {
          const axes = broadcastReductionAxes(from, ab);
          const kept = ab.filter((_, i) => !axes.includes(i));
          assertEquals(sizeOf(kept), sizeOf(from));
        }
      }),
      fcParams(200),
    );
  });
});

Deno.test("broadcastReductionAxes() lists the leading and stretched axes", () => {
  assertEquals(broadcastReductionAxes([3, 1], [2, 3, 4]), [0, 2]);
  assertEquals(broadcastReductionAxes([2, 3], [2, 3]), []);
  assertEquals(broadcastReductionAxes([], [2, 3]), [0, 1]);
  assertEquals(broadcastReductionAxes([1, 1], [1, 5]), [1]);
  assertEquals(broadcastReductionAxes([1], [0]), [0]);
  assertThrows(() => broadcastReductionAxes([2, 3], [3]), TypeError, "does not broadcast");
  assertThrows(() => broadcastReductionAxes([2], [3]), TypeError, "[2] does not broadcast to [3]");
});

Deno.test("inferReshape() infers one -1 and checks the element count", async (t) => {
  await t.step("examples", () => {
    assertEquals(inferReshape("reshape", [3, 4], [2, -1]), [2, 6]);
    assertEquals(inferReshape("reshape", [3, 4], [-1]), [12]);
    assertEquals(inferReshape("reshape", [3, 4], [4, 3]), [4, 3]);
    assertEquals(inferReshape("reshape", [], [1, -1]), [1, 1]);
    assertEquals(inferReshape("reshape", [2, 0], [0, 5]), [0, 5]);
  });
  await t.step("errors", () => {
    assertThrows(
      () => inferReshape("reshape", [3, 4], [5, -1]),
      TypeError,
      "reshape: newShape [5, -1] cannot hold 12 elements (size must be a multiple of 5)",
    );
    assertThrows(
      () => inferReshape("reshape", [3, 4], [5, 3]),
      TypeError,
      "reshape: newShape [5, 3] has 15 elements, but shape [3, 4] has 12",
    );
    assertThrows(() => inferReshape("reshape", [3, 4], [-1, -1]), RangeError, "more than one -1");
    assertThrows(() => inferReshape("reshape", [3, 4], [-2, -6]), RangeError, "newShape[0]");
    assertThrows(() => inferReshape("reshape", [3, 4], [2.5, 4]), TypeError, "got 2.5");
    assertThrows(() => inferReshape("reshape", [2, 0], [0, -1]), TypeError, "multiply to 0");
  });
  await t.step("the result always has the input's size", () => {
    fc.assert(
      fc.property(smallShape, fc.nat(), fc.nat(), (shape, cut, where) => {
        // A reshape target: split the sizes at `cut`, then put a -1 at `where` for one group.
        const k = cut % (shape.length + 1);
        const target = [sizeOf(shape.slice(0, k)), sizeOf(shape.slice(k))];
        const known = inferReshape("reshape", shape, target);
        assertEquals(sizeOf(known), sizeOf(shape));
        const i = where % 2;
        if (target[1 - i] !== 0) {
          const withHole = target.slice();
          withHole[i] = -1;
          assertEquals(inferReshape("reshape", shape, withHole), target);
        }
      }),
      fcParams(200),
    );
  });
});

Deno.test("normalizeAxis() counts negative axes from the end", () => {
  assertEquals(normalizeAxis("sum", "axis", -1, 3), 2);
  assertEquals(normalizeAxis("sum", "axis", 0, 3), 0);
  assertEquals(normalizeAxis("sum", "axis", -3, 3), 0);
  assertThrows(
    () => normalizeAxis("sum", "axis", 3, 2),
    RangeError,
    "sum: axis 3 is out of range for rank 2 (expected -2..1)",
  );
  assertThrows(() => normalizeAxis("sum", "axis", -3, 2), RangeError, "axis -3 is out of range");
  assertThrows(() => normalizeAxis("sum", "axis", 0, 0), RangeError, "rank 0 has no axes");
  assertThrows(
    () => normalizeAxis("sum", "axis", 1.5, 3),
    TypeError,
    "sum: axis must be an integer",
  );
});

Deno.test("normalizeAxes() sorts, normalises and rejects duplicates", () => {
  assertEquals(normalizeAxes("sum", undefined, 3), [0, 1, 2]);
  assertEquals(normalizeAxes("sum", undefined, 0), []);
  assertEquals(normalizeAxes("sum", -1, 3), [2]);
  assertEquals(normalizeAxes("sum", [-1, 0], 3), [0, 2]);
  assertEquals(normalizeAxes("sum", [], 3), []);
  assertThrows(() => normalizeAxes("sum", [0, -3], 3), RangeError, "axis 0 more than once");
  assertThrows(() => normalizeAxes("sum", [0, 5], 3), RangeError, "axes[1] 5 is out of range");
  assertThrows(() => normalizeAxes("sum", [0.5], 3), TypeError, "axes[0] must be an integer");
});

Deno.test("checkPerm() accepts permutations and defaults to reversed axes", () => {
  assertEquals(checkPerm("transpose", undefined, 3), [2, 1, 0]);
  assertEquals(checkPerm("transpose", undefined, 0), []);
  assertEquals(checkPerm("transpose", [1, 2, 0], 3), [1, 2, 0]);
  assertThrows(() => checkPerm("transpose", [0], 2), TypeError, "must have 2 entries");
  assertThrows(() => checkPerm("transpose", [0, 0], 2), RangeError, "repeats axis 0");
  assertThrows(() => checkPerm("transpose", [0, -1], 2), RangeError, "permutation of 0..1");
  assertThrows(() => checkPerm("transpose", [0, 2], 2), RangeError, "permutation of 0..1");
  assertThrows(() => checkPerm("transpose", [0, 0.5], 2), TypeError, "perm[1]");
});

Deno.test("permuteShape() and inversePerm() undo each other", async (t) => {
  await t.step("examples", () => {
    assertEquals(permuteShape([2, 3, 4], [2, 0, 1]), [4, 2, 3]);
    assertEquals(inversePerm([2, 0, 1]), [1, 2, 0]);
    assertEquals(inversePerm([]), []);
  });
  await t.step("inverting twice gives the permutation back", () => {
    const perm = fc.integer({ min: 0, max: 6 }).chain((n) =>
      fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })
    );
    fc.assert(
      fc.property(perm, (p) => {
        assertEquals(inversePerm(inversePerm(p)), p);
        const shape = p.map((_, i) => i + 2);
        assertEquals(permuteShape(permuteShape(shape, p), inversePerm(p)), shape);
      }),
      fcParams(100),
    );
  });
});

Deno.test("resolveSlice() resolves negative begins and -1 sizes", async (t) => {
  await t.step("examples", () => {
    assertEquals(resolveSlice("slice", [4, 5], [1, -2], [2, -1]), { begin: [1, 3], size: [2, 2] });
    assertEquals(resolveSlice("slice", [4, 5], [1, 0]), { begin: [1, 0], size: [3, 5] });
    assertEquals(resolveSlice("slice", [4], [4], [0]), { begin: [4], size: [0] });
    assertEquals(resolveSlice("slice", [], []), { begin: [], size: [] });
  });
  await t.step("errors name the axis", () => {
    assertThrows(() => resolveSlice("slice", [4, 5], [0]), TypeError, "begin must have 2 entries");
    assertThrows(() => resolveSlice("slice", [4, 5], [0, 0], [1]), TypeError, "size must have");
    assertThrows(() => resolveSlice("slice", [4, 5], [0, 6]), RangeError, "axis 1 of size 5");
    assertThrows(() => resolveSlice("slice", [4, 5], [-5, 0]), RangeError, "begin[0]");
    assertThrows(
      () => resolveSlice("slice", [4, 5], [2, 0], [3, 1]),
      RangeError,
      "slice: size[0] must fit in axis 0 of size 4 from begin 2, but got 3",
    );
    assertThrows(() => resolveSlice("slice", [4, 5], [0, 0], [1, -2]), RangeError, "size[1]");
    assertThrows(() => resolveSlice("slice", [4, 5], [0, 0.5]), TypeError, "begin[1]");
  });
});

Deno.test("concatShape() adds up the concatenated axis", () => {
  assertEquals(concatShape("concat", [[2, 3], [2, 5]], -1), [2, 8]);
  assertEquals(concatShape("concat", [[2, 3], [1, 3], [0, 3]], 0), [3, 3]);
  assertEquals(concatShape("concat", [[2, 3]], 1), [2, 3]);
  assertThrows(() => concatShape("concat", [], 0), TypeError, "at least one");
  assertThrows(
    () => concatShape("concat", [[2, 3], [2]], 0),
    TypeError,
    "input 1 must have rank 2",
  );
  assertThrows(
    () => concatShape("concat", [[2, 3], [2, 3], [4, 4]], 1),
    TypeError,
    "input 2 must match input 0 [2, 3] on every axis but 1, but has shape [4, 4] (axis 0: 4 vs 2)",
  );
  assertThrows(() => concatShape("concat", [[2, 3]], 2), RangeError, "axis 2 is out of range");
  assertThrows(() => concatShape("concat", [[]], 0), RangeError, "rank 0");
});

Deno.test("padShape() grows each axis by its padding", () => {
  assertEquals(padShape("pad", [2, 3], [[1, 1], [0, 2]]), [4, 5]);
  assertEquals(padShape("pad", [], []), []);
  assertThrows(() => padShape("pad", [2, 3], [[1, 1]]), TypeError, "must hold 2 [before, after]");
  assertThrows(
    () => padShape("pad", [2], [[1, 1, 1]] as unknown as [number, number][]),
    TypeError,
    "paddings[0] must be a [before, after] pair",
  );
  assertThrows(() => padShape("pad", [2], [[1, -1]]), RangeError, "paddings[0][1]");
  assertThrows(() => padShape("pad", [2], [[0.5, 1]]), RangeError, "paddings[0][0]");
});

Deno.test("flattenShape() merges an inclusive range of axes", async (t) => {
  await t.step("examples", () => {
    assertEquals(flattenShape("flatten", [2, 3, 4, 5]), [120]);
    assertEquals(flattenShape("flatten", [2, 3, 4, 5], 1), [2, 60]);
    assertEquals(flattenShape("flatten", [2, 3, 4, 5], 1, 2), [2, 12, 5]);
    assertEquals(flattenShape("flatten", [2, 3, 4, 5], -2, -1), [2, 3, 20]);
    assertEquals(flattenShape("flatten", [2, 3], 1, 1), [2, 3]);
    assertEquals(flattenShape("flatten", []), [1]);
  });
  await t.step("errors", () => {
    assertThrows(() => flattenShape("flatten", [2, 3, 4], 2, 1), RangeError, "comes after endAxis");
    assertThrows(() => flattenShape("flatten", [2, 3], 2), RangeError, "startAxis 2");
    assertThrows(() => flattenShape("flatten", [], 1), RangeError, "startAxis 1");
  });
  await t.step("it preserves the size", () => {
    fc.assert(
      fc.property(smallShape, fc.nat(), fc.nat(), (shape, x, y) => {
        const r = Math.max(shape.length, 1);
        const [s, e] = [x % r, y % r].sort((p, q) => p - q);
        const flat = flattenShape("flatten", shape, s, e);
        assertEquals(sizeOf(flat), sizeOf(shape));
        assertEquals(flat.length, shape.length === 0 ? 1 : shape.length - (e - s));
      }),
      fcParams(200),
    );
  });
});
