import { assert, assertEquals, assertStringIncludes, assertThrows } from "../tests/assert.ts";
import { DEFAULT_REPS, describePlan, parseBenchArgs, QUICK_REPS } from "./args.ts";
import { evaluateBars, formatBars } from "./bars.ts";
import { measure, median } from "./measure.ts";
import { formatTable, measuredResult, type Result, toRecords } from "./report.ts";
import {
  convFlops,
  convOutputSize,
  WORKLOAD_NAMES,
  workloadFlops,
  workloadImages,
  WORKLOADS,
} from "./workloads.ts";

Deno.test("workload FLOP counts follow 2*N*OH*OW*KH*KW*Cin*Cout, 2x for backward, 2n^3", () => {
  const flops = Object.fromEntries(WORKLOAD_NAMES.map((w) => [w, workloadFlops(WORKLOADS[w])]));
  assertEquals(flops, {
    "conv-base1": 2 * 32 * 24 * 24 * 5 * 5 * 1 * 20,
    "conv-base2": 2 * 32 * 8 * 8 * 5 * 5 * 20 * 50,
    "conv-vgg": 2 * 1 * 56 * 56 * 3 * 3 * 64 * 64,
    "conv-base2-backward": 2 * 2 * 32 * 8 * 8 * 5 * 5 * 20 * 50,
    "matmul-512": 2 * 512 ** 3,
    "matmul-1024": 2 * 1024 ** 3,
    "maxpool": undefined,
    "train-step-base": undefined,
  });
  assertEquals(workloadImages(WORKLOADS["train-step-base"]), 64);
  assertEquals(workloadImages(WORKLOADS["conv-base1"]), undefined);
});

Deno.test("conv output sizes are h-k+1 when valid and h when same", () => {
  const spec = { n: 1, h: 10, w: 7, cIn: 1, cOut: 1, k: 3 };
  assertEquals(convOutputSize({ ...spec, padding: "valid" }), [8, 5]);
  assertEquals(convOutputSize({ ...spec, padding: "same" }), [10, 7]);
  assertEquals(convFlops({ ...spec, padding: "valid" }), 2 * 8 * 5 * 9);
});

Deno.test("a measured result carries GFLOP/s or images/s as the workload allows", () => {
  const conv = measuredResult("conv-base2", "worker", 2, 10);
  assertEquals(conv.gflops, 102_400_000 / 1e7);
  assertEquals(conv.imagesPerSecond, undefined);
  const step = measuredResult("train-step-base", "tfjs-cpu", 1, 500);
  assertEquals(step.gflops, undefined);
  assertEquals(step.imagesPerSecond, 128);
  const pool = measuredResult("maxpool", "scalar", 1, 3);
  assertEquals([pool.gflops, pool.imagesPerSecond], [undefined, undefined]);
});

const sample: Result[] = [
  measuredResult("conv-vgg", "worker", 1, 20),
  measuredResult("conv-vgg", "worker", 2, 10),
  measuredResult("conv-vgg", "tfjs-cpu", 1, 100),
  measuredResult("conv-vgg", "tfjs-wasm", 1, 12),
  measuredResult("train-step-base", "worker", 1, 300),
  measuredResult("train-step-base", "worker", 2, 200),
  measuredResult("train-step-base", "tfjs-cpu", 1, 4000),
  {
    workload: "train-step-base",
    backend: "tfjs-wasm",
    threads: 1,
    medianMs: null,
    missing: "tfjs-wasm has no Conv2DBackpropFilter kernel",
  },
  { workload: "maxpool", backend: "webgpu", threads: 1, medianMs: null, error: "device lost" },
];

Deno.test("JSON records hold the issue's fields, rounded, and say why a row is missing", () => {
  const recs = toRecords(sample);
  assertEquals(recs[0], {
    workload: "conv-vgg",
    backend: "worker",
    threads: 1,
    medianMs: 20,
    gflops: 11.56,
  });
  assertEquals(recs[6], {
    workload: "train-step-base",
    backend: "tfjs-cpu",
    threads: 1,
    medianMs: 4000,
    imagesPerSecond: 16,
  });
  assertEquals(recs[7], {
    workload: "train-step-base",
    backend: "tfjs-wasm",
    threads: 1,
    medianMs: null,
    missing: "tfjs-wasm has no Conv2DBackpropFilter kernel",
  });
  assertEquals(recs[8].error, "device lost");
  assertEquals(JSON.parse(JSON.stringify(recs)), recs);
});

Deno.test("the table aligns its columns and shows the ratio to tfjs-cpu", () => {
  const lines = formatTable(sample).split("\n");
  assertEquals(lines.length, 2 + sample.length);
  for (const h of ["workload", "backend", "threads", "median ms", "GFLOP/s", "images/s"]) {
    assertStringIncludes(lines[0], h);
  }
  assert(lines[0].endsWith("x tfjs-cpu"));
  assertEquals(lines[1].replace(/[- ]/g, ""), "");
  assertEquals(lines[2].split(/\s+/), ["conv-vgg", "worker", "1", "20.0", "11.6", "-", "5.00"]);
  assertEquals(lines[4].split(/\s+/).at(-1), "1.00");
  assertEquals(lines[8].split(/\s+/).slice(3, 6), ["4000", "-", "16.0"]);
  assertStringIncludes(lines[9], "missing: tfjs-wasm has no Conv2DBackpropFilter kernel");
  assertStringIncludes(lines[10], "failed: device lost");
  // every row starts its threads column at the same place
  const at = lines[0].indexOf("threads");
  for (const l of lines.slice(2)) assertEquals(l.slice(at, at + 7).trim(), l.split(/\s+/)[2]);
});

Deno.test("the bars are judged as ratios within the run", async (t) => {
  const bars = evaluateBars(sample);
  const byName = Object.fromEntries(bars.map((b) => [b.bar, b]));
  await t.step("worker 2 threads vs 1: met at 2x, not met at 1.5x", () => {
    assertEquals(byName["worker 2 threads vs 1 thread on conv-vgg"].status, "met");
    assertEquals(byName["worker 2 threads vs 1 thread on conv-vgg"].ratio, 2);
    assertEquals(byName["worker 2 threads vs 1 thread on train-step-base"].status, "not met");
  });
  await t.step("worker vs tfjs-cpu on every workload present, at the worker's top threads", () => {
    assertEquals(byName["worker vs tfjs-cpu on conv-vgg"].ratio, 10);
    assertEquals(byName["worker vs tfjs-cpu on conv-vgg"].status, "met");
    assertEquals(byName["worker vs tfjs-cpu on train-step-base"].ratio, 20);
    assertEquals(byName["worker vs tfjs-cpu on maxpool"].status, "n/a");
  });
  await t.step("worker vs tfjs-wasm only on conv-base2, conv-vgg and matmul-1024", () => {
    assertEquals(byName["worker vs tfjs-wasm on conv-vgg"].status, "met");
    assertEquals(bars.filter((b) => b.bar.includes("tfjs-wasm")).length, 1);
  });
  await t.step("a missing baseline makes the bar n/a and says why", () => {
    const slow = [
      measuredResult("conv-base2", "worker", 2, 10),
      { ...sample[7], workload: "conv-base2" as const },
    ];
    const b = evaluateBars(slow).find((c) => c.bar === "worker vs tfjs-wasm on conv-base2")!;
    assertEquals(b.status, "n/a");
    assertStringIncludes(b.note!, "missing");
  });
  await t.step("the summary counts the bars met and marks each line", () => {
    const text = formatBars(bars);
    assert(text.startsWith("bars met: 4 of 5 judged (6 in all)"));
    assertStringIncludes(
      text,
      "[met]     worker 2 threads vs 1 thread on conv-vgg: 2.00x (>= 1.8x)",
    );
    assertStringIncludes(text, "[not met] worker 2 threads vs 1 thread on train-step-base: 1.50x");
    assertStringIncludes(text, "[n/a]     worker vs tfjs-cpu on maxpool: n/a: worker not measured");
  });
  await t.step("without the worker the summary is one line", () => {
    const text = formatBars(evaluateBars(sample.filter((r) => r.backend !== "worker")));
    assertEquals(text, "bars: none judged (the worker backend was not measured; 6 bars apply)");
  });
  await t.step("with one worker thread the scaling bars are n/a", () => {
    const one = evaluateBars([measuredResult("conv-vgg", "worker", 1, 5)]);
    assertEquals(one[0].status, "n/a");
    assertEquals(one[0].note, "only 1 thread available");
  });
});

Deno.test("median sorts and takes the middle (the mean of two for even lengths)", () => {
  assertEquals(median([5, 1, 3]), 3);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertThrows(() => median([]), RangeError);
});

Deno.test("measure warms up, then runs until the budget once the minimum is done", async () => {
  let clock = 0;
  let calls = 0;
  const run = (): Promise<void> => {
    calls++;
    clock += calls === 1 ? 400 : 300; // the first (warm-up) run is slower
    return Promise.resolve();
  };
  const plan = { warmup: 3, warmupMs: 500, minReps: 3, maxReps: 30, budgetMs: 2000 };
  const m = await measure(run, plan, () => clock);
  assertEquals(m.warmups, 2); // the third would start after 700 ms > 500 ms
  assertEquals(m.timesMs.length, 7); // 7 * 300 = 2100 ms >= 2000 ms
  assertEquals(m.medianMs, 300);
  const quick = await measure(run, QUICK_REPS, () => clock);
  assertEquals([quick.warmups, quick.timesMs.length], [0, 1]);
});

Deno.test("parseBenchArgs reads lists, reps, quick and json, and rejects unknown names", () => {
  const d = parseBenchArgs([]);
  assertEquals(d.workloads, WORKLOAD_NAMES);
  assertEquals(d.backends, ["scalar", "worker", "webgpu", "tfjs-cpu", "tfjs-wasm"]);
  assertEquals([d.explicitBackends, d.json, d.help, d.reps], [
    false,
    undefined,
    false,
    DEFAULT_REPS,
  ]);
  const o = parseBenchArgs([
    "--workloads",
    "maxpool,conv-vgg",
    "--backends=tfjs-wasm,worker",
    "--reps",
    "4",
    "--json",
    "out.json",
  ]);
  assertEquals(o.workloads, ["conv-vgg", "maxpool"]); // table order
  assertEquals(o.backends, ["worker", "tfjs-wasm"]);
  assertEquals([o.explicitBackends, o.json, o.reps.minReps, o.reps.maxReps], [
    true,
    "out.json",
    4,
    4,
  ]);
  assertEquals(parseBenchArgs(["--quick"]).reps, QUICK_REPS);
  assertThrows(
    () => parseBenchArgs(["--workloads", "conv-vgg,nope"]),
    RangeError,
    '"conv-vgg,nope"',
  );
  assertThrows(() => parseBenchArgs(["--backends", "gpu"]), RangeError, "scalar, worker");
  assertThrows(() => parseBenchArgs(["--reps", "0"]), RangeError, "--reps");
  assertThrows(() => parseBenchArgs(["--frobnicate"]), TypeError, "frobnicate");
});

Deno.test("describePlan says how each row is timed", () => {
  assertStringIncludes(describePlan(QUICK_REPS), "no warm-up, then 1 timed run;");
  assertStringIncludes(describePlan(DEFAULT_REPS), "1 to 3 warm-ups (within 500 ms)");
  assertStringIncludes(describePlan(DEFAULT_REPS), "3 to 30 timed runs");
});
