import { assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { meanStd, normalize } from "./normalize.ts";

Deno.test("meanStd() computes the population mean and std of each channel", () => {
  assertEquals(meanStd(new Float32Array([0, 1, 0, 1])), { mean: [0.5], std: [0.5] });
  const rgb = new Float32Array([1, 10, 0, 3, 10, 0, 5, 10, 0]);
  const s = meanStd(rgb, { channels: 3 });
  assertEquals(s.mean, [3, 10, 0]);
  assertAlmostEquals(s.std[0], Math.sqrt(8 / 3), 1e-12);
  assertEquals(s.std.slice(1), [0, 0]);
});

Deno.test("normalize() applies (x - mean) / std, per channel when given arrays", () => {
  const x = new Float32Array([0, 0.5, 1]);
  assertEquals(normalize(x, { mean: 0.5, std: 0.5 }), new Float32Array([-1, 0, 1]));
  assertEquals(
    normalize(new Float32Array([1, 2, 3, 4]), { mean: [1, 2], std: 2 }),
    new Float32Array([0, 0, 1, 1]),
  );
  assertEquals(x, new Float32Array([0, 0.5, 1]), "the input is unchanged");
});

Deno.test("normalize() with meanStd() statistics gives mean 0 and std 1", () => {
  const x = Float32Array.from({ length: 999 }, (_, i) => Math.sin(i) * 3 + 2);
  const y = normalize(x, meanStd(x));
  const s = meanStd(y);
  assertAlmostEquals(s.mean[0], 0, 1e-6);
  assertAlmostEquals(s.std[0], 1, 1e-6);
});

Deno.test("normalize() and meanStd() reject bad arguments", () => {
  const x = new Float32Array(6);
  assertThrows(() => normalize(x, { mean: 0, std: 0 }), RangeError, "options.std must be > 0");
  assertThrows(() => normalize(x, { mean: [0, 1], std: [1, 1, 1] }), TypeError, "1 or 3 entries");
  assertThrows(
    () => normalize(new Float32Array(5), { mean: [0, 1], std: 1 }),
    TypeError,
    "multiple of 2",
  );
  assertThrows(() => normalize(x, { mean: NaN, std: 1 }), TypeError, "options.mean");
  assertThrows(
    () => normalize([1] as unknown as Float32Array, { mean: 0, std: 1 }),
    TypeError,
    "Float32Array",
  );
  assertThrows(() => meanStd(x, { channels: 0 }), RangeError, "options.channels");
  assertThrows(() => meanStd(new Float32Array(0)), TypeError, "positive multiple");
});
