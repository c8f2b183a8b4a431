/**
 * The worker side of the pool, and the inline source it is started from.
 *
 * `workerMain` is self-contained (its source is copied into a Blob URL together with the tile
 * factories), so the backend needs no worker file beside it, e.g. when consumed from JSR.
 *
 * Shared-memory protocol (a control block of int32 in the shared memory, see `LAYOUT`): no
 * message per job.
 * - The main thread writes job `s` as JSON into a heap block, fills record `s mod WINDOW`, then
 *   publishes `POSTED = s`; it wakes (by a `"w"` message) only workers that flagged themselves
 *   idle. Each worker runs every posted job in order; a job names how many workers take part.
 * - Each worker walks the posted jobs in order and starts job `s` once `DONE` (every job up to it
 *   has finished) reaches the last job that `s` reads from, so independent jobs overlap and the
 *   main thread queues jobs ahead without waiting. Workers take tiles with `Atomics.add` on the
 *   job's slot; the last to finish records whether a tile failed, marks the job finished,
 *   advances `DONE` over finished jobs and wakes the waiters (the main thread waits with
 *   `Atomics.waitAsync`, or gets a `"d"` message where that is missing). A worker whose tile
 *   throws posts `{ type: "error", seq, message }` first and stops taking tiles.
 * - Workers never block for long: with nothing posted they spin briefly, flag themselves idle and
 *   return to their event loop (so `terminate()` works); a pool generation number in `GEN` makes
 *   the workers of a stopped pool leave their loops.
 *
 * Transfer protocol (no SharedArrayBuffer): each job message carries copies of the inputs and a
 * contiguous range of tiles; the worker computes them in its own memory and transfers back the
 * output range.
 * @module
 */

import { gemmDriver } from "./_gemm_driver.ts";
import { helpersFactory } from "./_helpers.ts";
import { elementwiseTiles } from "./_elementwise.ts";
import { gemmF32Tiles } from "./_gemm_f32.ts";
import { gemmJsTiles } from "./_gemm_js.ts";
import { layoutTiles } from "./_layout.ts";
import { pool2dTiles } from "./_pool2d.ts";
import { reduceTiles } from "./_reduce.ts";
import type { Helpers } from "./_helpers.ts";
import type { Job, TileCtx, TileEnv, Tiles } from "./_types.ts";

/** A factory of tile functions. */
export type TileFactory = (env: TileEnv, h: Helpers) => Tiles;

/** A factory of helpers (merged into the `h` every tile factory gets). */
export type HelperFactory = (env: TileEnv) => object;

/** Every helper factory. */
export const HELPERS: readonly HelperFactory[] = [helpersFactory, gemmDriver];

/** Every tile factory, in the order their tiles are merged. */
export const FACTORIES: readonly TileFactory[] = [
  elementwiseTiles,
  layoutTiles,
  reduceTiles,
  gemmJsTiles,
  gemmF32Tiles,
  pool2dTiles,
];

/** The most workers of one pool. */
export const MAX_THREADS = 64;

/**
 * The control block's layout, in int32 entries: `DONE` (last finished job), `POSTED` (last
 * posted job), `GEN` (the pool generation: a worker of another generation stops), one `IDLE`
 * flag per worker, `RING` tile slots `[next tile, finished workers, failed, -]`, and `WINDOW` job
 * records `[ptr, len, workers, failed, pages, dep, first, finished]`: the job's JSON at `ptr`,
 * how many workers take part (from worker `first` on), the memory's size in pages when it was
 * posted, the last job it reads from, and its own number once finished.
 */
export const LAYOUT = {
  DONE: 0,
  POSTED: 1,
  GEN: 2,
  IDLE: 4,
  SLOTS: 4 + MAX_THREADS,
  RECS: 4 + MAX_THREADS + 4 * 64,
  RING: 64,
  WINDOW: 256,
} as const;

/** Int32 entries of the control block. */
export const CTRL_INTS = LAYOUT.RECS + 8 * LAYOUT.WINDOW;

/** Builds the tile table and the helpers for one thread. */
export function buildTiles(env: TileEnv): { tiles: Tiles; h: Helpers } {
  const h = Object.assign({}, ...HELPERS.map((f) => f(env))) as Helpers;
  return { tiles: Object.assign({}, ...FACTORIES.map((f) => f(env, h))), h };
}

/** The worker's entry point. Self-contained: copied into the worker source. */
export function workerMain(
  factories: readonly TileFactory[],
  helpers: readonly HelperFactory[],
): void {
  // deno-lint-ignore no-explicit-any
  const scope = globalThis as any;
  let memory: WebAssembly.Memory;
  let ctrl: Int32Array;
  let tiles: Tiles = {};
  let h: Helpers;
  let need = 0; // bytes the memory had when the current job was sent
  /**
   * The memory's buffer, at least `need` bytes long. When another thread grows a shared memory,
   * this thread's buffer is replaced at its next interrupt check; grow(0) and a short wait
   * make sure that has happened.
   */
  const current = (): ArrayBuffer => {
    let buf = memory.buffer as ArrayBuffer;
    if (buf.byteLength >= need) return buf;
    memory.grow(0);
    for (let spin = 0; (buf = memory.buffer as ArrayBuffer).byteLength < need; spin++) {
      if (spin > 1e7) throw new Error(`this worker sees ${buf.byteLength} of ${need} bytes`);
    }
    return buf;
  };
  const env = {
    wasm: null as Record<string, (...a: number[]) => void> | null,
    mr: 1,
    nv: 1,
    cache: undefined as undefined | {
      f32: Float32Array;
      f64: Float64Array;
      i32: Int32Array;
      u8: Uint8Array;
    },
    mem() {
      const buf = current();
      let v = env.cache;
      if (v === undefined || v.u8.byteLength !== buf.byteLength) {
        v = {
          f32: new Float32Array(buf),
          f64: new Float64Array(buf),
          i32: new Int32Array(buf),
          u8: new Uint8Array(buf),
        };
        env.cache = v;
      }
      return v;
    },
    view(dtype: string, ptr: number, n: number) {
      const buf = current();
      if (dtype === "float32") return new Float32Array(buf, ptr, n);
      if (dtype === "float64") return new Float64Array(buf, ptr, n);
      return new Int32Array(buf, ptr, n);
    },
  };

  function runTile(job: Job, t: number, ctx: TileCtx): void {
    if (job.fault !== undefined) throw new Error(job.fault);
    const fn = tiles[job.kind];
    if (fn === undefined) throw new Error(`no tile function "${job.kind}"`);
    fn(job, t, ctx);
  }

  function message(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
  }

  // The shared-memory protocol (layout from the init message).
  let L = {
    DONE: 0,
    POSTED: 1,
    GEN: 2,
    IDLE: 4,
    SLOTS: 68,
    RECS: 324,
    RING: 64,
    WINDOW: 256,
    WORKERS: 1,
  };
  let me = 0, gen = 0, next = 1, pumping = false, notifyMain = false;
  const decoder = new TextDecoder();

  /** Runs posted jobs in order until none is left (then sleeps until woken by a message). */
  function pump(): void {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        if (Atomics.load(ctrl, L.GEN) !== gen) return;
        // Jobs up to DONE finished without this worker (it was not needed, or idle).
        next = Math.max(next, Atomics.load(ctrl, L.DONE) + 1);
        if (Atomics.load(ctrl, L.POSTED) < next && !waitPosted()) {
          Atomics.store(ctrl, L.IDLE + me, 1);
          if (Atomics.load(ctrl, L.POSTED) < next) return; // the main thread will wake us
          Atomics.store(ctrl, L.IDLE + me, 0);
        }
        if (!runJob(next)) return;
        next++;
      }
    } finally {
      pumping = false;
    }
  }

  /**
   * Waits up to 20 ms for job `next` to be posted: a short spin, then sleeps in `Atomics.wait`
   * (the main thread notifies sleepers). False when none came (or the pool is stopping).
   */
  function waitPosted(): boolean {
    for (let spin = 0; spin < 500; spin++) if (Atomics.load(ctrl, L.POSTED) >= next) return true;
    const deadline = performance.now() + 20;
    for (;;) {
      const posted = Atomics.load(ctrl, L.POSTED);
      if (posted >= next) return true;
      if (Atomics.load(ctrl, L.GEN) !== gen || performance.now() > deadline) return false;
      Atomics.wait(ctrl, L.POSTED, posted, 5);
    }
  }

  /** Runs this worker's part of job `s`; false when the pool is being stopped. */
  function runJob(s: number): boolean {
    const rec = L.RECS + 8 * (s % L.WINDOW);
    const count = Atomics.load(ctrl, rec + 2), first = Atomics.load(ctrl, rec + 6);
    if ((me - first + L.WORKERS) % L.WORKERS >= count) return true; // not one of its workers
    // Wait until the jobs it reads from have finished (and its tile slot is free).
    const dep = Math.max(Atomics.load(ctrl, rec + 5), s - L.RING);
    for (let spin = 0;; spin++) {
      const d = Atomics.load(ctrl, L.DONE);
      if (d >= dep) break;
      if (Atomics.load(ctrl, L.GEN) !== gen) return false;
      if (spin > 500) Atomics.wait(ctrl, L.DONE, d, 5);
    }
    need = Atomics.load(ctrl, rec + 4) * 65536;
    const ptr = Atomics.load(ctrl, rec), len = Atomics.load(ctrl, rec + 1);
    const msg = JSON.parse(decoder.decode(new Uint8Array(current()).slice(ptr, ptr + len)));
    const job = msg.job as Job;
    // Test hook: a fault starting with "crash:" escapes the handler, as a worker crash would.
    if (job.fault?.startsWith("crash:")) throw new Error(job.fault);
    const slot = L.SLOTS + 4 * (s % L.RING);
    const ntiles = job.starts.length - 1;
    const ctx = { scratch: msg.scratch[me], scratchBytes: msg.scratchBytes, jobId: s, state: {} };
    try {
      for (;;) {
        const t = Atomics.add(ctrl, slot, 1);
        if (t >= ntiles) break;
        runTile(job, t, ctx);
      }
    } catch (err) {
      Atomics.store(ctrl, slot + 2, 1);
      scope.postMessage({ type: "error", seq: s, message: message(err) });
    }
    if (Atomics.add(ctrl, slot + 1, 1) === count - 1) {
      if (job.combine !== undefined && Atomics.load(ctrl, slot + 2) === 0) {
        try {
          h.combine(job);
        } catch (err) {
          Atomics.store(ctrl, slot + 2, 1);
          scope.postMessage({ type: "error", seq: s, message: message(err) });
        }
      }
      Atomics.store(ctrl, rec + 3, Atomics.load(ctrl, slot + 2));
      Atomics.store(ctrl, slot, 0);
      Atomics.store(ctrl, slot + 1, 0);
      Atomics.store(ctrl, slot + 2, 0);
      Atomics.store(ctrl, rec + 7, s); // finished
      // Advance DONE over every finished job (jobs may finish out of order).
      for (;;) {
        const d = Atomics.load(ctrl, L.DONE);
        if (Atomics.load(ctrl, L.RECS + 8 * ((d + 1) % L.WINDOW) + 7) !== d + 1) break;
        Atomics.compareExchange(ctrl, L.DONE, d, d + 1);
      }
      Atomics.notify(ctrl, L.DONE);
      if (notifyMain) scope.postMessage("d");
    }
    return true;
  }

  function ensure(bytes: number): void {
    const have = memory.buffer.byteLength;
    if (bytes + 64 > have) memory.grow(Math.ceil((bytes + 64 - have) / 65536));
  }

  function transfer(m: { id: number; job: Job; inputs: ArrayBuffer[]; t0: number; t1: number }) {
    if (m.job.fault?.startsWith("crash:")) throw new Error(m.job.fault);
    try {
      const job = m.job;
      const align = (n: number) => Math.ceil(n / 64) * 64;
      let at = 1024;
      const ins: number[] = [];
      for (const buf of m.inputs) {
        ins.push(at);
        at = align(at + buf.byteLength);
      }
      const bpe = job.dt[job.dt.length - 1] === "float64" ? 8 : 4;
      const out = at;
      at = align(at + job.sizes[job.sizes.length - 1] * bpe);
      const scratch = at;
      ensure(at + job.scratch);
      const u8 = new Uint8Array(memory.buffer);
      m.inputs.forEach((buf, i) => u8.set(new Uint8Array(buf), ins[i]));
      const local = { ...job, ins, out };
      const ctx = { scratch, scratchBytes: job.scratch, jobId: m.id, state: {} };
      for (let t = m.t0; t < m.t1; t++) runTile(local, t, ctx);
      const start = job.starts[m.t0], end = job.starts[m.t1];
      const bytes = memory.buffer.slice(out + start * bpe, out + end * bpe) as ArrayBuffer;
      scope.postMessage({ type: "tdone", id: m.id, start, bytes }, [bytes]);
    } catch (err) {
      scope.postMessage({ type: "terror", id: m.id, message: message(err) });
    }
  }

  scope.onmessage = (e: MessageEvent) => {
    const m = e.data;
    if (m === "w") {
      pump();
    } else if (m.type === "tjob") {
      transfer(m);
    } else if (m.type === "init") {
      memory = m.memory ?? new WebAssembly.Memory({ initial: 64, maximum: m.maxPages });
      if (m.ctrl !== undefined) {
        ctrl = new Int32Array(memory.buffer, m.ctrl, m.ctrlInts);
        L = { ...m.layout, WORKERS: m.workers };
        me = m.index;
        gen = m.gen;
        next = m.start;
        notifyMain = m.notifyMain;
      }
      env.mr = m.mr;
      env.nv = m.nv;
      if (m.bytes !== null) {
        const mod = new WebAssembly.Module(m.bytes);
        const inst = new WebAssembly.Instance(mod, { env: { memory } });
        env.wasm = inst.exports as Record<string, (...a: number[]) => void>;
      }
      h = Object.assign({}, ...helpers.map((f) => f(env as TileEnv))) as Helpers;
      tiles = Object.assign({}, ...factories.map((f) => f(env as TileEnv, h)));
      scope.postMessage({ type: "ready" });
      if (m.ctrl !== undefined) pump();
    }
  };
}

/** The source of a module worker running `workerMain` with every tile factory. */
export function workerSource(): string {
  const factories = FACTORIES.map((f) => f.toString()).join(",\n");
  const helpers = HELPERS.map((f) => f.toString()).join(",\n");
  return `"use strict";\nconst helpers = [${helpers}];\nconst factories = [${factories}];\n` +
    `(${workerMain.toString()})(factories, helpers);\n`;
}
