/**
 * The command line of `deno task bench`, parsed into options with clear errors.
 * @module
 */

import { parseArgs } from "node:util";
import { BACKEND_NAMES, type BackendName } from "./report.ts";
import { WORKLOAD_NAMES, type WorkloadName } from "./workloads.ts";

/** How many times each workload runs. */
export interface RepPlan {
  /** Warm-up runs at most: the first always, the next ones only while within `warmupMs`. */
  readonly warmup: number;
  /** Milliseconds of warm-up after which no further warm-up run starts. */
  readonly warmupMs: number;
  /** Timed runs at least. */
  readonly minReps: number;
  /** Timed runs at most. */
  readonly maxReps: number;
  /** Milliseconds of timed runs after which no further run starts (once `minReps` are done). */
  readonly budgetMs: number;
}

/** The parsed command line. */
export interface BenchOptions {
  /** The workloads to run, in table order. */
  readonly workloads: readonly WorkloadName[];
  /** The backends to run, in table order. */
  readonly backends: readonly BackendName[];
  /** Whether `--backends` named them (else all are tried, and a software WebGPU is skipped). */
  readonly explicitBackends: boolean;
  /** The repetition plan. */
  readonly reps: RepPlan;
  /** Where to write the JSON records, if anywhere. */
  readonly json?: string;
  /** Whether `--help` was given. */
  readonly help: boolean;
}

/**
 * The default plan: 1 to 3 warm-ups (within 0.5 s), then 3 to 30 timed runs (within about 2 s
 * once 3 are done). Slow rows (tfjs-cpu's conv gradients take seconds) get 1 + 3 runs.
 */
export const DEFAULT_REPS: RepPlan = {
  warmup: 3,
  warmupMs: 500,
  minReps: 3,
  maxReps: 30,
  budgetMs: 2000,
};

/** `--quick`: no warm-up and one timed run per row, a smoke run of the harness (rough figures). */
export const QUICK_REPS: RepPlan = {
  warmup: 0,
  warmupMs: 0,
  minReps: 1,
  maxReps: 1,
  budgetMs: 0,
};

/** The usage text. */
export const USAGE: string = `deno task bench [options]

Times the issue-4 workloads on every available convkit backend and on tfjs-cpu and tfjs-wasm.

  --workloads a,b   ${WORKLOAD_NAMES.join(", ")}
                    (default: all)
  --backends x,y    ${BACKEND_NAMES.join(", ")}
                    (default: all; webgpu only on a hardware adapter unless named here)
  --reps N          exactly N timed runs each (default: 3 to 30 within about 2 s)
  --quick           no warm-up, 1 timed run each (a smoke run; rough figures)
  --json FILE       also write the results as JSON records to FILE
  --help            this text`;

function list<T extends string>(
  option: string,
  raw: string | undefined,
  valid: readonly T[],
): readonly T[] {
  if (raw === undefined) return valid;
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = names.filter((n) => !(valid as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new RangeError(
      `bench: --${option} takes names from ${valid.join(", ")}, but got "${raw}"`,
    );
  }
  return valid.filter((v) => names.includes(v));
}

/** Parses the command-line arguments (as `Deno.args` holds them). */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        workloads: { type: "string" },
        backends: { type: "string" },
        reps: { type: "string" },
        quick: { type: "boolean" },
        json: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new TypeError(`bench: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  }
  let reps = values.quick ? QUICK_REPS : DEFAULT_REPS;
  if (values.reps !== undefined) {
    const n = Number(values.reps);
    if (!Number.isInteger(n) || n < 1 || values.reps.trim() === "") {
      throw new RangeError(`bench: --reps must be an integer >= 1, but got "${values.reps}"`);
    }
    reps = { ...reps, minReps: n, maxReps: n };
  }
  if (values.json !== undefined && values.json.trim() === "") {
    throw new TypeError(`bench: --json needs a file name`);
  }
  return {
    workloads: list("workloads", values.workloads, WORKLOAD_NAMES),
    backends: list("backends", values.backends, BACKEND_NAMES),
    explicitBackends: values.backends !== undefined,
    reps,
    ...(values.json === undefined ? {} : { json: values.json }),
    help: values.help ?? false,
  };
}

/** One line saying how each row is timed, e.g. `1-3 warm-ups, then 3 to 30 timed runs`. */
export function describePlan(plan: RepPlan): string {
  const warm = plan.warmup === 0
    ? "no warm-up"
    : plan.warmup === 1
    ? "1 warm-up"
    : `1 to ${plan.warmup} warm-ups (within ${plan.warmupMs} ms)`;
  const reps = plan.minReps === plan.maxReps
    ? `${plan.minReps} timed run${plan.minReps === 1 ? "" : "s"}`
    : `${plan.minReps} to ${plan.maxReps} timed runs (within ${plan.budgetMs} ms once ` +
      `${plan.minReps} are done)`;
  return `each row: ${warm}, then ${reps}; the median wall time until the results are read back`;
}
