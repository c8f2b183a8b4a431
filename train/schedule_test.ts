import { assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { constantSchedule, cosineDecay, exponentialDecay, stepDecay, toSchedule } from "./mod.ts";

Deno.test("constantSchedule() and toSchedule() give one value at every step", () => {
  assertEquals([0, 1, 1e6].map(constantSchedule(0.3)), [0.3, 0.3, 0.3]);
  assertEquals(toSchedule(0.1)(7), 0.1);
  const f = (s: number) => s;
  assertEquals(toSchedule(f), f);
  assertThrows(() => toSchedule(-1), RangeError, "learningRate");
  assertThrows(() => toSchedule("0.1" as unknown as number), TypeError, "learningRate");
});

Deno.test("stepDecay() drops by its factor every everySteps steps", () => {
  const lr = stepDecay({ initial: 0.1, factor: 0.5, everySteps: 10 });
  const got = [0, 9, 10, 19, 20, 35].map(lr);
  [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125].forEach((v, i) => assertAlmostEquals(got[i], v, 1e-15));
  assertEquals(stepDecay({ initial: 1, everySteps: 1 })(2), 0.1 ** 2); // default factor 0.1
  assertThrows(() => stepDecay({ initial: 1, everySteps: 0 }), RangeError, "everySteps");
  assertThrows(
    () => stepDecay(undefined as unknown as { initial: number; everySteps: number }),
    TypeError,
    "options must be an object",
  );
});

Deno.test("exponentialDecay() multiplies by decayRate per decaySteps, smooth or stairs", () => {
  const smooth = exponentialDecay({ initial: 2, decayRate: 0.5, decaySteps: 4 });
  assertAlmostEquals(smooth(0), 2, 1e-15);
  assertAlmostEquals(smooth(2), 2 * Math.SQRT1_2, 1e-15);
  assertAlmostEquals(smooth(4), 1, 1e-15);
  const stairs = exponentialDecay({ initial: 2, decayRate: 0.5, decaySteps: 4, staircase: true });
  assertEquals([0, 3, 4, 7, 8].map(stairs), [2, 2, 1, 1, 0.5]);
  assertThrows(() => exponentialDecay({ initial: 1, decayRate: 0 }), RangeError, "decayRate");
});

Deno.test("cosineDecay() falls from initial to alpha * initial along half a cosine", () => {
  const lr = cosineDecay({ initial: 1, decaySteps: 100, alpha: 0.1 });
  assertAlmostEquals(lr(0), 1, 1e-15);
  assertAlmostEquals(lr(50), 0.1 + 0.9 * 0.5, 1e-12);
  assertAlmostEquals(lr(25), 0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 1e-12);
  assertAlmostEquals(lr(100), 0.1, 1e-15);
  assertAlmostEquals(lr(1000), 0.1, 1e-15);
  assertAlmostEquals(cosineDecay({ initial: 3, decaySteps: 10 })(10), 0, 1e-15);
  assertThrows(() => cosineDecay({ initial: 1, decaySteps: 10, alpha: 2 }), RangeError, "alpha");
});
