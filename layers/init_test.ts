import { scalarBackend } from "../backends/scalar/mod.ts";
import { key, split } from "../core/mod.ts";
import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { values } from "./_harness_test.ts";
import {
  constantInit,
  fans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type Initializer,
  zerosInit,
} from "./mod.ts";

const F64 = { dtype: "float64" as const, backend: scalarBackend };

const stats = (v: number[]): { mean: number; std: number; maxAbs: number } => {
  const mean = v.reduce((a, b) => a + b) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, maxAbs: Math.max(...v.map(Math.abs)) };
};

Deno.test("fans() reads HWIO and [in, out] shapes", () => {
  assertEquals(fans([5, 5, 1, 20]), [25, 500]);
  assertEquals(fans([4, 4, 50, 500]), [800, 8000]);
  assertEquals(fans([784, 10]), [784, 10]);
  assertEquals(fans([3, 8, 16]), [24, 48]);
  assertEquals(fans([7]), [7, 7]);
  assertEquals(fans([]), [1, 1]);
});

Deno.test("the variance-scaling initialisers have the documented limits and deviations", () => {
  // [3, 3, 40, 40]: fanIn = fanOut = 360
  const shape = [3, 3, 40, 40];
  const cases: [Initializer, number, number][] = [
    // [initialiser, bound on |w|, standard deviation]
    [glorotUniform, Math.sqrt(6 / 720), Math.sqrt(6 / 720) / Math.sqrt(3)],
    [heUniform, Math.sqrt(6 / 360), Math.sqrt(6 / 360) / Math.sqrt(3)],
    [glorotNormal, 2 * Math.sqrt(2 / 720) / 0.87962566103423978, Math.sqrt(2 / 720)],
    [heNormal, 2 * Math.sqrt(2 / 360) / 0.87962566103423978, Math.sqrt(2 / 360)],
  ];
  for (const [init, bound, std] of cases) {
    const s = stats(values(init(key(1), shape, F64)));
    assert(s.maxAbs <= bound, `${s.maxAbs} > ${bound}`);
    assert(Math.abs(s.mean) < 0.05 * std, `mean ${s.mean}`);
    assert(Math.abs(s.std / std - 1) < 0.03, `std ${s.std}, want ${std}`);
  }
});

Deno.test("initialisers are deterministic per key and honour dtype and backend", () => {
  const [a, b] = split(key(0), 2);
  assertEquals(values(heNormal(a, [4, 4], F64)), values(heNormal(a, [4, 4], F64)));
  assert(
    values(heNormal(a, [4, 4], F64)).some((v, i) => v !== values(heNormal(b, [4, 4], F64))[i]),
  );
  const w = glorotUniform(a, [2, 3], F64);
  assertEquals([w.dtype, w.backend.name, w.shape], ["float64", "scalar", [2, 3]]);
  assertEquals(values(zerosInit(a, [3], F64)), [0, 0, 0]);
  assertEquals(values(constantInit(0.1)(a, [2], F64)), [0.1, 0.1]);
  assertEquals(glorotUniform(a, [2], { backend: scalarBackend }).dtype, "float32");
  assertThrows(() => constantInit(NaN), RangeError, "constantInit: value must be finite");
  assertThrows(() => constantInit("1" as never), TypeError, "constantInit: value must be a number");
});
