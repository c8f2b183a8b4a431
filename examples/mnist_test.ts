import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { main, MNIST_DEFAULTS, parseMnistArgs } from "./mnist.ts";
import { loadParams } from "../io/mod.ts";
import { key } from "../mod.ts";
import { mnistBase } from "../models/mod.ts";

Deno.test("the mnist job trains, reports a test error and saves weights that load back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/w.safetensors`;
    const result = await main([
      "--limit",
      "128",
      "--test-limit",
      "64",
      "--epochs",
      "1",
      "--batch-size",
      "32",
      "--out",
      out,
      "--quiet",
    ]);
    assert(result !== undefined);
    assert(result.testError >= 0 && result.testError <= 1, `test error ${result.testError}`);
    assert(Number.isFinite(result.testLoss));
    assertEquals(result.trainLosses.length, 1);
    assertEquals(result.savedTo, out);
    const init = mnistBase().init(key(0), [-1, 28, 28, 1]);
    const loaded = await loadParams(out, { params: init.params, state: init.state });
    assert(loaded.params !== undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the mnist job's options parse with the documented defaults", () => {
  assertEquals(parseMnistArgs([]), MNIST_DEFAULTS);
  const o = parseMnistArgs(["--epochs", "2", "--lr", "0.01", "--optimizer", "momentum"]);
  assertEquals([o?.epochs, o?.learningRate, o?.optimizer], [2, 0.01, "momentum"]);
});

Deno.test("the mnist job rejects bad options with clear errors", () => {
  assertThrows(() => parseMnistArgs(["--epochs", "0"]), RangeError, "--epochs must be");
  assertThrows(
    () => parseMnistArgs(["--epochs", "1.5"]),
    RangeError,
    "--epochs must be an integer",
  );
  assertThrows(() => parseMnistArgs(["--optimizer", "lbfgs"]), RangeError, "--optimizer must be");
  assertThrows(() => parseMnistArgs(["--backend", "cuda"]), RangeError, "--backend must be");
  assertThrows(() => parseMnistArgs(["--bogus"]), TypeError);
});
