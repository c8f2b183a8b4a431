import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { fc, fcParams } from "../tests/fc.ts";
import {
  convOutputSize,
  normalizePair,
  type PaddingSpec1d,
  type PaddingSpec2d,
  poolOutputSize,
  resolvePadding1d,
  resolvePadding2d,
  samePadding,
} from "./padding.ts";

Deno.test("samePadding() follows TensorFlow's rule, smaller half before", async (t) => {
  await t.step("hand-worked cases", () => {
    // n=5 k=3 s=2: out 3, total (3-1)*2 + 3 - 5 = 2.
    assertEquals(samePadding(5, 3, 2, 1), [1, 1]);
    // n=6 k=3 s=2: out 3, total 4 + 3 - 6 = 1, the odd cell goes after.
    assertEquals(samePadding(6, 3, 2, 1), [0, 1]);
    // n=7 k=4 s=1: out 7, total 6 + 4 - 7 = 3.
    assertEquals(samePadding(7, 4, 1, 1), [1, 2]);
    // n=10 k=3 s=2 d=2: span 5, out 5, total 4*2 + 5 - 10 = 3.
    assertEquals(samePadding(10, 3, 2, 2), [1, 2]);
    // n=5 k=3 s=1 d=3: span 7, out 5, total 4 + 7 - 5 = 6.
    assertEquals(samePadding(5, 3, 1, 3), [3, 3]);
    assertEquals(samePadding(4, 1, 1, 1), [0, 0]);
  });
  await t.step("stride larger than the kernel", () => {
    // n=7 k=2 s=3: out 3, total 6 + 2 - 7 = 1.
    assertEquals(samePadding(7, 2, 3, 1), [0, 1]);
    // n=6 k=1 s=4: out 2, total 4 + 1 - 6 < 0, so no padding.
    assertEquals(samePadding(6, 1, 4, 1), [0, 0]);
    // n=9 k=2 s=3: out 3, total 6 + 2 - 9 < 0.
    assertEquals(samePadding(9, 2, 3, 1), [0, 0]);
  });
  await t.step("bad arguments", () => {
    assertThrows(() => samePadding(5, 3, 0, 1), RangeError, "stride must be an integer >= 1");
    assertThrows(() => samePadding(5, 0, 1, 1), RangeError, "filterSize");
    assertThrows(() => samePadding(5, 3, 1, 0), RangeError, "dilation");
  });
});

Deno.test("resolvePadding2d() resolves every padding form", async (t) => {
  const geometry = [[6, 5], [3, 3], [2, 2], [1, 1]] as const;
  await t.step("valid, same, a number and explicit pairs", () => {
    assertEquals(resolvePadding2d("conv2d", "valid", ...geometry), [[0, 0], [0, 0]]);
    assertEquals(resolvePadding2d("conv2d", "same", ...geometry), [[0, 1], [1, 1]]);
    assertEquals(resolvePadding2d("conv2d", 2, ...geometry), [[2, 2], [2, 2]]);
    assertEquals(resolvePadding2d("conv2d", [[0, 1], [2, 3]], ...geometry), [[0, 1], [2, 3]]);
  });
  await t.step("same uses each axis's own stride and dilation", () => {
    assertEquals(
      resolvePadding2d("conv2d", "same", [10, 7], [3, 4], [2, 1], [2, 1]),
      [[1, 2], [1, 2]],
    );
  });
  await t.step("unknown forms are TypeErrors listing the accepted ones", () => {
    const bad = (p: unknown) => () => resolvePadding2d("conv2d", p as PaddingSpec2d, ...geometry);
    assertThrows(
      bad("SAME"),
      TypeError,
      'conv2d: padding must be "valid", "same", a non-negative integer or ' +
        '[[top, bottom], [left, right]], but got "SAME"',
    );
    assertThrows(bad([1, 2]), TypeError, "but got [1, 2]");
    assertThrows(bad([[1, 2]]), TypeError, "[[top, bottom], [left, right]]");
    assertThrows(bad([[1, 2], [3]]), TypeError, "[[top, bottom], [left, right]]");
    assertThrows(bad([[1, 2], [3, "4"]]), TypeError, "padding[1][1]");
    assertThrows(bad(null), TypeError, "got null");
  });
  await t.step("negative or fractional sizes are RangeErrors", () => {
    assertThrows(
      () => resolvePadding2d("conv2d", -1, ...geometry),
      RangeError,
      "conv2d: padding must be an integer >= 0, but got -1",
    );
    assertThrows(() => resolvePadding2d("conv2d", 1.5, ...geometry), RangeError, "got 1.5");
    assertThrows(
      () => resolvePadding2d("conv2d", [[0, 1], [-2, 0]], ...geometry),
      RangeError,
      "padding[1][0] must be an integer >= 0",
    );
    assertThrows(
      () => resolvePadding2d("conv2d", "same", [6, 5], [3, 3], [2, 0], [1, 1]),
      RangeError,
      "conv2d: stride[1] must be an integer >= 1, but got 0",
    );
  });
});

Deno.test("resolvePadding1d() resolves every padding form", () => {
  assertEquals(resolvePadding1d("conv1d", "valid", 7, 4, 1, 1), [0, 0]);
  assertEquals(resolvePadding1d("conv1d", "same", 7, 4, 1, 1), [1, 2]);
  assertEquals(resolvePadding1d("conv1d", 3, 7, 4, 1, 1), [3, 3]);
  assertEquals(resolvePadding1d("conv1d", [0, 2], 7, 4, 1, 1), [0, 2]);
  const bad = (p: unknown) => () => resolvePadding1d("conv1d", p as PaddingSpec1d, 7, 4, 1, 1);
  assertThrows(bad("full"), TypeError, '[before, after], but got "full"');
  assertThrows(bad([1]), TypeError, "[before, after]");
  assertThrows(bad([1, -1]), RangeError, "padding[1]");
  assertThrows(() => resolvePadding1d("conv1d", "same", 7, 4, 1, -1), RangeError, "dilation");
});

Deno.test("convOutputSize() counts the filter positions", async (t) => {
  await t.step("examples", () => {
    assertEquals(convOutputSize("conv2d", 7, 3, 2, 1, 1, 1), 4);
    assertEquals(convOutputSize("conv2d", 5, 3, 1, 1, 0, 0), 3);
    assertEquals(convOutputSize("conv2d", 10, 3, 2, 2, 1, 2), 5);
    // Stride larger than the kernel: positions 0, 3, 6 of 8 cells.
    assertEquals(convOutputSize("conv2d", 8, 2, 3, 1, 0, 0), 3);
    assertEquals(convOutputSize("conv2d", 4, 5, 1, 1, 1, 0), 1);
  });
  await t.step("errors", () => {
    assertThrows(
      () => convOutputSize("conv2d", 4, 5, 1, 1, 0, 0),
      RangeError,
      "conv2d: the filter (5 with dilation 1 spans 5) is larger than the padded input (4)",
    );
    assertThrows(
      () => convOutputSize("conv2d", 6, 3, 1, 3, 0, 0),
      RangeError,
      "(3 with dilation 3 spans 7) is larger than the padded input (6)",
    );
    assertThrows(
      () => convOutputSize("conv2d", 4, 3, 0, 1, 0, 0),
      RangeError,
      "conv2d: stride must be an integer >= 1, but got 0",
    );
    assertThrows(() => convOutputSize("conv2d", 4, 3, 1, 0, 0, 0), RangeError, "dilation");
    assertThrows(() => convOutputSize("conv2d", 4, 0, 1, 1, 0, 0), RangeError, "filter size");
    assertThrows(() => convOutputSize("conv2d", 4, 3, 1, 1, -1, 0), RangeError, "padding");
    assertThrows(() => convOutputSize("conv2d", 4, 3, 1.5, 1, 0, 0), RangeError, "got 1.5");
  });
  await t.step("it matches counting the positions one by one", () => {
    const geom = fc.tuple(
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
    );
    fc.assert(
      fc.property(geom, ([n, k, s, d, pb, pa]) => {
        const span = (k - 1) * d + 1;
        let count = 0;
        for (let start = 0; start + span <= n + pb + pa; start += s) count++;
        if (count === 0) {
          assertThrows(() => convOutputSize("conv2d", n, k, s, d, pb, pa), RangeError);
        } else assertEquals(convOutputSize("conv2d", n, k, s, d, pb, pa), count);
      }),
      fcParams(300),
    );
  });
});

Deno.test("poolOutputSize() counts the window positions", async (t) => {
  await t.step("examples", () => {
    assertEquals(poolOutputSize("maxPool2d", 6, 2, 2, 0, 0), 3);
    assertEquals(poolOutputSize("maxPool2d", 5, 3, 2, 1, 1), 3);
    assertEquals(poolOutputSize("maxPool2d", 7, 2, 3, 0, 1), 3);
    assertEquals(poolOutputSize("maxPool2d", 7, 1, 3, 0, 0), 3);
  });
  await t.step("errors", () => {
    assertThrows(
      () => poolOutputSize("maxPool2d", 3, 4, 1, 0, 0),
      RangeError,
      "maxPool2d: the window (4) is larger than the padded input (3)",
    );
    assertThrows(
      () => poolOutputSize("maxPool2d", 4, 2, 1, 2, 0),
      RangeError,
      "would hold only padding",
    );
    assertThrows(
      () => poolOutputSize("avgPool2d", 4, 2, 2, 0, 2),
      RangeError,
      "padding [0, 2] is so wide",
    );
    assertThrows(() => poolOutputSize("maxPool2d", 4, 0, 1, 0, 0), RangeError, "window");
    assertThrows(() => poolOutputSize("maxPool2d", 4, 2, 0, 0, 0), RangeError, "stride");
  });
  await t.step("it accepts exactly the geometries where every window sees a real cell", () => {
    const geom = fc.tuple(
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 0, max: 4 }),
    );
    fc.assert(
      fc.property(geom, ([n, k, s, pb, pa]) => {
        let count = 0;
        let allReal = true;
        for (let start = 0; start + k <= n + pb + pa; start += s) {
          count++;
          if (start + k <= pb || start >= pb + n) allReal = false;
        }
        if (count === 0 || !allReal) {
          assertThrows(() => poolOutputSize("maxPool2d", n, k, s, pb, pa), RangeError);
        } else assertEquals(poolOutputSize("maxPool2d", n, k, s, pb, pa), count);
      }),
      fcParams(300),
    );
  });
});

Deno.test('"same" padding always gives ceil(n / stride) outputs', () => {
  const geom = fc.tuple(
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 1, max: 7 }),
    fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 1, max: 4 }),
  );
  fc.assert(
    fc.property(geom, ([n, k, s, d]) => {
      const [before, after] = resolvePadding1d("conv1d", "same", n, k, s, d);
      assert(before <= after && after - before <= 1, `unbalanced [${before}, ${after}]`);
      assertEquals(convOutputSize("conv1d", n, k, s, d, before, after), Math.ceil(n / s));
      const [pb, pa] = resolvePadding1d("pool1d", "same", n, k, s, 1);
      assertEquals(poolOutputSize("pool1d", n, k, s, pb, pa), Math.ceil(n / s));
      const pads = resolvePadding2d("conv2d", "same", [n, k], [k, 1], [s, 1], [d, 1]);
      assertEquals(pads[0], [before, after]);
      assertEquals(pads[1], [0, 0]);
    }),
    fcParams(300),
  );
});

Deno.test("normalizePair() expands and checks strides, dilations and windows", () => {
  assertEquals(normalizePair("conv2d", "stride", 2, 1), [2, 2]);
  assertEquals(normalizePair("conv2d", "stride", [1, 3], 1), [1, 3]);
  assertEquals(normalizePair("conv2d", "dilation", undefined, 1), [1, 1]);
  assertThrows(
    () => normalizePair("conv2d", "stride", 0, 1),
    RangeError,
    "conv2d: stride must be an integer >= 1, but got 0",
  );
  assertThrows(() => normalizePair("conv2d", "stride", [1, 0], 1), RangeError, "stride[1]");
  assertThrows(() => normalizePair("conv2d", "stride", 1.5, 1), RangeError, "got 1.5");
  assertThrows(
    () => normalizePair("conv2d", "stride", [1, 2, 3] as unknown as [number, number], 1),
    TypeError,
    "stride must be an integer >= 1 or a pair of them, but got [1, 2, 3]",
  );
  assertThrows(
    () => normalizePair("pool2d", "window", "2" as unknown as number, 1),
    TypeError,
    'window must be an integer >= 1 or a pair of them, but got "2"',
  );
});
