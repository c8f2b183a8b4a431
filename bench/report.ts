/**
 * Benchmark results: the record of one measurement, the JSON records `--json` writes and the
 * table printed at the end of a run.
 * @module
 */

import { workloadFlops, workloadImages, type WorkloadName, WORKLOADS } from "./workloads.ts";

/** A backend's name in the results. */
export type BackendName = "scalar" | "worker" | "webgpu" | "tfjs-cpu" | "tfjs-wasm";

/** Every backend, in the order the table lists them. */
export const BACKEND_NAMES: readonly BackendName[] = [
  "scalar",
  "worker",
  "webgpu",
  "tfjs-cpu",
  "tfjs-wasm",
];

/** The outcome of one workload on one backend (at one thread count). */
export interface Result {
  /** The workload. */
  readonly workload: WorkloadName;
  /** The backend. */
  readonly backend: BackendName;
  /** The JS threads running its kernels (1 for scalar, tfjs and webgpu's single queue). */
  readonly threads: number;
  /** The median time of one run in milliseconds, or `null` when missing or failed. */
  readonly medianMs: number | null;
  /** Billions of floating-point operations per second, where the workload counts them. */
  readonly gflops?: number;
  /** Images per second, where the workload counts them (the train step). */
  readonly imagesPerSecond?: number;
  /** Why the backend cannot run this workload at all (e.g. a kernel it lacks). */
  readonly missing?: string;
  /** The error the run stopped with. */
  readonly error?: string;
}

/** One record of the `--json` file. */
export interface JsonRecord {
  /** The workload. */
  workload: WorkloadName;
  /** The backend. */
  backend: BackendName;
  /** The threads. */
  threads: number;
  /** The median milliseconds, `null` when missing or failed. */
  medianMs: number | null;
  /** GFLOP/s, where it applies. */
  gflops?: number;
  /** Images per second, where it applies. */
  imagesPerSecond?: number;
  /** Why the row is missing. */
  missing?: string;
  /** Why the row failed. */
  error?: string;
}

/** A measured result: the median with the throughput figures that apply to the workload. */
export function measuredResult(
  workload: WorkloadName,
  backend: BackendName,
  threads: number,
  medianMs: number,
): Result {
  const w = WORKLOADS[workload];
  const flops = workloadFlops(w);
  const images = workloadImages(w);
  return {
    workload,
    backend,
    threads,
    medianMs,
    ...(flops === undefined ? {} : { gflops: flops / (medianMs * 1e6) }),
    ...(images === undefined ? {} : { imagesPerSecond: images / (medianMs / 1000) }),
  };
}

/** The JSON records of results: the fields that apply, rounded to 4 significant digits. */
export function toRecords(results: readonly Result[]): JsonRecord[] {
  return results.map((r) => {
    const rec: JsonRecord = {
      workload: r.workload,
      backend: r.backend,
      threads: r.threads,
      medianMs: r.medianMs === null ? null : round4(r.medianMs),
    };
    if (r.gflops !== undefined) rec.gflops = round4(r.gflops);
    if (r.imagesPerSecond !== undefined) rec.imagesPerSecond = round4(r.imagesPerSecond);
    if (r.missing !== undefined) rec.missing = r.missing;
    if (r.error !== undefined) rec.error = r.error;
    return rec;
  });
}

function round4(x: number): number {
  return Number(x.toPrecision(4));
}

/** The tfjs-cpu median of `workload` divided by `r`'s (how many times faster), if both exist. */
export function ratioToTfjsCpu(results: readonly Result[], r: Result): number | undefined {
  const cpu = results.find((o) => o.workload === r.workload && o.backend === "tfjs-cpu");
  if (!cpu || cpu.medianMs === null || r.medianMs === null) return undefined;
  return cpu.medianMs / r.medianMs;
}

/** A number for a table cell: 3 significant digits below 100, whole numbers above. */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "-";
  if (Math.abs(x) >= 100) return Math.round(x).toString();
  return x.toPrecision(3);
}

const HEADER = ["workload", "backend", "threads", "median ms", "GFLOP/s", "images/s", "x tfjs-cpu"];

/**
 * The results as an aligned text table, one row per result in the given order: workload,
 * backend, threads, median ms, GFLOP/s, images/s and the speed ratio to tfjs-cpu (`-` where a
 * figure does not apply); a missing or failed row says so in place of the figures.
 */
export function formatTable(results: readonly Result[]): string {
  const rows = results.map((r) => {
    const head = [r.workload, r.backend, String(r.threads)];
    if (r.medianMs === null) {
      const why = r.missing !== undefined ? `missing: ${r.missing}` : `failed: ${r.error ?? "?"}`;
      return [...head, why];
    }
    return [
      ...head,
      formatNumber(r.medianMs),
      formatNumber(r.gflops),
      formatNumber(r.imagesPerSecond),
      formatNumber(ratioToTfjsCpu(results, r)),
    ];
  });
  // A missing/failed row's note (its 4th cell) spans the figure columns: it sets no width.
  const widths = HEADER.map((h, i) =>
    Math.max(h.length, ...rows.filter((row) => i < 3 || row.length > 4).map((row) => row[i].length))
  );
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => {
      if (i === 3 && cells.length === 4) return c;
      return i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]);
    }).join("  ").trimEnd();
  return [line(HEADER), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
