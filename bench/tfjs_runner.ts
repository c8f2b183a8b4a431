/**
 * Runs the workloads on TensorFlow.js (`@tensorflow/tfjs-backend-cpu` and
 * `@tensorflow/tfjs-backend-wasm`), the baselines the worker backend is judged against.
 * Bench-only: no library module imports this.
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { fileURLToPath } from "node:url";
import type { BackendName } from "./report.ts";
import { MissingError, type Prepared, type Runner } from "./runner.ts";
import { convFilterGrad, convInputGrad, maxPoolGrad } from "./tfjs_ops.ts";
import { prepareTfjsTrainStep } from "./tfjs_train_step.ts";
import type { Workload } from "./workloads.ts";

type TfjsName = "tfjs-cpu" | "tfjs-wasm";

const TF_BACKEND: Record<TfjsName, string> = { "tfjs-cpu": "cpu", "tfjs-wasm": "wasm" };

/** The tfjs kernels each kind of workload needs (checked up front so a gap reads as missing). */
function neededKernels(workload: Workload): string[] {
  switch (workload.kind) {
    case "conv":
      return workload.backward ? [tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter] : [tf.Conv2D];
    case "matmul":
      return [tf.BatchMatMul];
    case "maxpool":
      return [tf.MaxPool, tf.MaxPoolGrad];
    case "train-step":
      return [
        tf.Conv2D,
        tf.Conv2DBackpropInput,
        tf.Conv2DBackpropFilter,
        tf.MaxPool,
        tf.MaxPoolGrad,
      ];
  }
}

/** Awaits every tensor's data (so queued work is counted), then disposes them. */
async function readAndDispose(ts: readonly tf.Tensor[]): Promise<void> {
  await Promise.all(ts.map((t) => t.data()));
  tf.dispose([...ts]);
}

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, "float32", seed);
}

function prepareConv(w: Extract<Workload, { kind: "conv" }>): Prepared {
  const { n, h, w: wd, cIn, cOut, k, padding } = w.conv;
  const x = random([n, h, wd, cIn], 1) as tf.Tensor4D;
  const f = random([k, k, cIn, cOut], 2) as tf.Tensor4D;
  if (!w.backward) {
    return {
      run: () => readAndDispose([tf.conv2d(x, f, 1, padding)]),
      dispose: () => tf.dispose([x, f]),
    };
  }
  const yShape = tf.tidy(() => tf.conv2d(x, f, 1, padding).shape);
  const dy = random(yShape, 3) as tf.Tensor4D;
  return {
    run: () =>
      readAndDispose([
        convInputGrad(dy, f, x.shape, padding),
        convFilterGrad(x, dy, f.shape, padding),
      ]),
    dispose: () => tf.dispose([x, f, dy]),
  };
}

function prepareMaxPool(shape: readonly [number, number, number, number]): Prepared {
  const [n, h, w, c] = shape;
  const x = random([n, h, w, c], 7) as tf.Tensor4D;
  const dy = random([n, h / 2, w / 2, c], 8) as tf.Tensor4D;
  return {
    run: () => {
      const y = tf.maxPool(x, 2, 2, "valid");
      const dx = maxPoolGrad(dy, x, y);
      return readAndDispose([y, dx]);
    },
    dispose: () => tf.dispose([x, dy]),
  };
}

function prepareTfjs(workload: Workload): Prepared {
  switch (workload.kind) {
    case "conv":
      return prepareConv(workload);
    case "matmul": {
      const a = random([workload.n, workload.n], 5) as tf.Tensor2D;
      const b = random([workload.n, workload.n], 6) as tf.Tensor2D;
      return { run: () => readAndDispose([tf.matMul(a, b)]), dispose: () => tf.dispose([a, b]) };
    }
    case "maxpool":
      return prepareMaxPool(workload.shape);
    case "train-step":
      return prepareTfjsTrainStep(workload.batch, (shape) => random(shape, 4));
  }
}

function tfjsRunner(name: TfjsName, threads: number): Runner {
  const tfName = TF_BACKEND[name];
  return {
    backend: name,
    threads,
    async prepare(workload: Workload): Promise<Prepared> {
      if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend("${tfName}") failed`);
      const lacking = neededKernels(workload).filter((k) => !tf.getKernel(k, tfName));
      if (lacking.length > 0) {
        throw new MissingError(`${name} has no ${lacking.join(", ")} kernel`);
      }
      const before = tf.memory().numTensors;
      const prepared = prepareTfjs(workload);
      return {
        run: prepared.run,
        dispose: () => {
          prepared.dispose();
          const leaked = tf.memory().numTensors - before;
          if (leaked !== 0) {
            console.error(`warning: ${name} ${workload.name} left ${leaked} tensors`);
          }
        },
      };
    },
    close: () => {},
  };
}

/** The directory holding tfjs-backend-wasm's `.wasm` binaries, as a path ending in `/`. */
export function wasmDirectory(): string {
  const main = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  if (!main.startsWith("file:")) {
    throw new Error(`@tensorflow/tfjs-backend-wasm resolved to ${main}, not a local file`);
  }
  return fileURLToPath(new URL("./", main));
}

/**
 * The runners for the requested tfjs backends. tfjs-wasm gets its binaries from the installed
 * package (`setWasmPaths`); it runs single-threaded in Deno (its threaded build needs a
 * cross-origin-isolated page). A backend that fails to start is skipped with a line in `notes`.
 */
export async function tfjsRunners(
  names: readonly BackendName[],
  notes: string[],
): Promise<Runner[]> {
  tf.enableProdMode(); // no debug checks, no "install tfjs-node" banner
  const runners: Runner[] = [];
  if (names.includes("tfjs-cpu")) {
    if (await tf.setBackend("cpu")) {
      runners.push(tfjsRunner("tfjs-cpu", 1));
      notes.push(`tfjs-cpu: @tensorflow/tfjs-backend-cpu ${tf.version_core}`);
    } else notes.push(`tfjs-cpu: skipped: tf.setBackend("cpu") failed`);
  }
  if (names.includes("tfjs-wasm")) {
    try {
      setWasmPaths(wasmDirectory());
      if (!(await tf.setBackend("wasm"))) throw new Error(`tf.setBackend("wasm") failed`);
      const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
      const mt = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
      const threads = getThreadsCount();
      runners.push(tfjsRunner("tfjs-wasm", threads));
      notes.push(
        `tfjs-wasm: ${simd ? "SIMD" : "no SIMD"}, ${threads} thread(s)` +
          (mt ? "" : " (its threaded build needs cross-origin isolation; not available here)"),
      );
    } catch (e) {
      notes.push(`tfjs-wasm: skipped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return runners;
}
