/**
 * `deno task bench`: times the issue-4 workloads on every available convkit backend and, in the
 * same run, on tfjs-cpu and tfjs-wasm; prints a table and the speed bars, and with `--json FILE`
 * writes the records. Run `deno task bench --help` for the options.
 * @module
 */

import { describePlan, parseBenchArgs, USAGE } from "./args.ts";
import { evaluateBars, formatBars } from "./bars.ts";
import { convkitRunners } from "./convkit_runner.ts";
import { measure } from "./measure.ts";
import { formatNumber, formatTable, measuredResult, type Result, toRecords } from "./report.ts";
import { MissingError, type Runner } from "./runner.ts";
import { type WorkloadName, WORKLOADS } from "./workloads.ts";
import type { RepPlan } from "./args.ts";

function message(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/** Times one workload on one runner; a gap or an error becomes a missing or failed result. */
async function runOne(runner: Runner, workload: WorkloadName, plan: RepPlan): Promise<Result> {
  const base = { workload, backend: runner.backend, threads: runner.threads, medianMs: null };
  let prepared;
  try {
    prepared = await runner.prepare(WORKLOADS[workload]);
  } catch (e) {
    if (e instanceof MissingError) return { ...base, missing: e.message };
    return { ...base, error: message(e) };
  }
  try {
    const m = await measure(prepared.run, plan);
    const r = measuredResult(workload, runner.backend, runner.threads, m.medianMs);
    console.error(
      `  ${workload} ${runner.backend} x${runner.threads}: ${formatNumber(m.medianMs)} ms ` +
        `(median of ${m.timesMs.length}, ${m.warmups} warm-up${m.warmups === 1 ? "" : "s"})`,
    );
    return r;
  } catch (e) {
    // A kernel tfjs lacks shows up only when the op runs (e.g. a gradient's helper kernel).
    if (/not registered for backend/i.test(message(e))) return { ...base, missing: message(e) };
    return { ...base, error: message(e) };
  } finally {
    prepared.dispose();
  }
}

/** Runs the benchmark with the given command-line arguments; resolves to the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(args);
  } catch (e) {
    console.error(message(e));
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const threads = navigator.hardwareConcurrency ?? 1;
  const notes = [
    `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${Deno.build.os}-${Deno.build.arch}, ` +
    `${threads} hardware threads`,
  ];
  const runners: Runner[] = [];
  try {
    runners.push(
      ...await convkitRunners(options.backends, threads, options.explicitBackends, notes),
    );
    if (options.backends.some((b) => b.startsWith("tfjs-"))) {
      try {
        const { tfjsRunners } = await import("./tfjs_runner.ts");
        runners.push(...await tfjsRunners(options.backends, notes));
      } catch (e) {
        notes.push(`tfjs: skipped: ${message(e)}`);
      }
    }
    console.log(notes.join("\n"));
    const plan = options.reps;
    console.log(describePlan(plan) + "\n");
    const results: Result[] = [];
    for (const workload of options.workloads) {
      console.error(`${workload}:`);
      for (const runner of runners) results.push(await runOne(runner, workload, plan));
    }
    console.log(formatTable(results));
    console.log("\n" + formatBars(evaluateBars(results)));
    if (options.json !== undefined) {
      await Deno.writeTextFile(options.json, JSON.stringify(toRecords(results), null, 2) + "\n");
      console.log(`\nwrote ${results.length} records to ${options.json}`);
    }
    return results.some((r) => r.error !== undefined) ? 1 : 0;
  } finally {
    for (const r of runners) r.close();
  }
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
