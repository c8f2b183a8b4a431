/**
 * Runs the workloads on convkit's own backends (scalar, worker, webgpu) through the public API.
 * The worker and WebGPU backends load on demand and are skipped, with the reason, where their
 * module is absent or fails to start.
 * @module
 */

import {
  type Backend,
  conv2d,
  key,
  matmul,
  maxPool2d,
  type Tensor,
  tensor,
  treeLeaves,
  uniform,
} from "../mod.ts";
import { scalarBackend } from "../backends/scalar/mod.ts";
import { mnistBase } from "../models/mnist_base.ts";
import { createTrainState, sgd, softmaxCrossEntropy, trainStep } from "../train/mod.ts";
import type { BackendName } from "./report.ts";
import type { Prepared, Runner } from "./runner.ts";
import type { Workload } from "./workloads.ts";

function random(seed: number, shape: readonly number[], backend: Backend): Tensor {
  return uniform(key(seed), shape, { backend, min: -1, max: 1 });
}

function disposeAll(ts: readonly (Tensor | undefined)[]): void {
  for (const t of ts) t?.dispose();
}

/** Awaits every tensor's data (so queued work is counted), then disposes them. */
async function readAndDispose(ts: readonly Tensor[]): Promise<void> {
  await Promise.all(ts.map((t) => t.data()));
  disposeAll(ts);
}

async function prepareConv(
  w: Extract<Workload, { kind: "conv" }>,
  backend: Backend,
): Promise<Prepared> {
  const { n, h, w: wd, cIn, cOut, k, padding } = w.conv;
  const x = random(1, [n, h, wd, cIn], backend);
  const f = random(2, [k, k, cIn, cOut], backend);
  if (!w.backward) {
    return {
      run: () => readAndDispose([conv2d(x, f, { padding })]),
      dispose: () => disposeAll([x, f]),
    };
  }
  // The forward pass runs once here; each timed run is the VJP alone (both gradients).
  const [y, vjp] = conv2d.vjp(x, f, { padding });
  const dy = random(3, y.shape, backend);
  await y.data();
  return {
    run: () => {
      const [dx, dw] = vjp(dy);
      return readAndDispose([dx, dw!]);
    },
    dispose: () => disposeAll([x, f, y, dy]),
  };
}

function prepareTrainStep(batch: number, backend: Backend): Prepared {
  const net = mnistBase();
  const optimizer = sgd({ learningRate: 0.01 });
  const step = trainStep(net, softmaxCrossEntropy, optimizer);
  const state = createTrainState(net.init(key(0), [-1, 28, 28, 1], { backend }), optimizer);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const data = {
    x: random(4, [batch, 28, 28, 1], backend),
    y: tensor(labels, { dtype: "int32", backend }),
  };
  const kept = new Set([...treeLeaves(state.params), ...treeLeaves(state.optState)]);
  return {
    run: async () => {
      // Always step from the same state: every run does the same work, and nothing piles up.
      const [next, metrics] = step(state, data);
      const fresh = [...treeLeaves(next.params), ...treeLeaves(next.optState)]
        .filter((t) => !kept.has(t));
      await readAndDispose([metrics.loss, metrics.output, ...fresh]);
    },
    dispose: () => disposeAll([data.x, data.y, ...kept]),
  };
}

/** Uploads the inputs of `workload` to `backend` and returns its run. */
export async function prepareConvkit(workload: Workload, backend: Backend): Promise<Prepared> {
  switch (workload.kind) {
    case "conv":
      return await prepareConv(workload, backend);
    case "matmul": {
      const a = random(5, [workload.n, workload.n], backend);
      const b = random(6, [workload.n, workload.n], backend);
      return { run: () => readAndDispose([matmul(a, b)]), dispose: () => disposeAll([a, b]) };
    }
    case "maxpool": {
      const [n, h, w, c] = workload.shape;
      const x = random(7, [n, h, w, c], backend);
      const dy = random(8, [n, h / 2, w / 2, c], backend);
      return {
        run: () => {
          const [y, vjp] = maxPool2d.vjp(x, 2);
          return readAndDispose([y, vjp(dy)[0]]);
        },
        dispose: () => disposeAll([x, dy]),
      };
    }
    case "train-step":
      return prepareTrainStep(workload.batch, backend);
  }
}

/** A runner for a convkit backend object. */
export function convkitRunner(
  name: BackendName,
  threads: number,
  backend: Backend,
  close: () => void = () => {},
): Runner {
  return {
    backend: name,
    threads,
    prepare: (workload) => prepareConvkit(workload, backend),
    close,
  };
}

/** What the bench needs of `backends/worker/mod.ts` (read structurally: it loads on demand). */
interface WorkerModule {
  createWorkerBackend(options: { threads: number }): Backend & {
    readonly threads: number;
    readonly kernelKind?: string;
    readonly sharedMemory?: boolean;
    close(): void;
  };
}

/** What the bench needs of `backends/webgpu/mod.ts`. */
interface WebGPUModule {
  createWebGPUBackend(): Promise<Backend & { readonly adapterName?: string; destroy(): void }>;
}

async function load<T>(path: string, fn: string): Promise<T> {
  const mod = await import(path) as Record<string, unknown>;
  if (typeof mod[fn] !== "function") throw new Error(`${path} exports no ${fn}`);
  return mod as T;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/** The adapter's description when `navigator.gpu` offers only a software fallback adapter. */
async function fallbackAdapterName(): Promise<string | undefined> {
  type Adapter = {
    isFallbackAdapter?: boolean;
    info?: { isFallbackAdapter?: boolean; description?: string };
  };
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  try {
    const adapter = await gpu?.requestAdapter();
    if (!adapter || !(adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter)) {
      return undefined;
    }
    return adapter.info?.description || "unnamed adapter";
  } catch {
    return undefined;
  }
}

/**
 * The runners for the requested convkit backends: scalar; worker at 1 thread and at the
 * hardware concurrency (`threads`, if above 1); webgpu, unless its only adapter is a software
 * fallback and `explicit` (the user named the backends) is false. A backend that cannot load or
 * start is skipped with a line in `notes`.
 */
export async function convkitRunners(
  names: readonly BackendName[],
  threads: number,
  explicit: boolean,
  notes: string[],
): Promise<Runner[]> {
  const runners: Runner[] = [];
  if (names.includes("scalar")) runners.push(convkitRunner("scalar", 1, scalarBackend));
  if (names.includes("worker")) {
    try {
      const mod = await load<WorkerModule>("../backends/worker/mod.ts", "createWorkerBackend");
      for (const t of threads > 1 ? [1, threads] : [1]) {
        const be = mod.createWorkerBackend({ threads: t });
        runners.push(convkitRunner("worker", be.threads, be, () => be.close()));
        if (t === 1) {
          notes.push(
            `worker: ${be.kernelKind ?? "?"} kernels, ` +
              `${be.sharedMemory === false ? "copied" : "shared"} memory, ` +
              `measured at ${threads > 1 ? `1 and ${threads}` : "1"} thread(s)`,
          );
        }
      }
    } catch (e) {
      notes.push(`worker: skipped: ${message(e)}`);
    }
  }
  const fallback = names.includes("webgpu") ? await fallbackAdapterName() : undefined;
  if (fallback !== undefined && !explicit) {
    notes.push(
      `webgpu: skipped: the only adapter is a software fallback (${fallback}); ` +
        `--backends webgpu measures it anyway`,
    );
  } else if (names.includes("webgpu")) {
    try {
      const mod = await load<WebGPUModule>("../backends/webgpu/mod.ts", "createWebGPUBackend");
      const be = await mod.createWebGPUBackend();
      runners.push(convkitRunner("webgpu", 1, be, () => be.destroy()));
      notes.push(
        `webgpu: adapter ${be.adapterName ?? "?"}${fallback ? " (software fallback)" : ""}`,
      );
    } catch (e) {
      notes.push(`webgpu: skipped: ${message(e)}`);
    }
  }
  return runners;
}
