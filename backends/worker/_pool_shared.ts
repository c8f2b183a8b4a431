/**
 * The pool over shared memory: the workers compute in the backend's own memory, and jobs are
 * posted through the control block (protocol in `_worker_main.ts`) with no message per job, as
 * soon as they are submitted; independent jobs overlap, dependent ones wait for their inputs.
 * @module
 */

import type { Block } from "./_heap.ts";
import { MAX_PAGES } from "./_kernels.ts";
import { BasePool, type JobDone, type PoolOptions } from "./_pool.ts";
import type { Job } from "./_types.ts";
import { CTRL_INTS, LAYOUT } from "./_worker_main.ts";

interface Entry {
  readonly done: JobDone;
  readonly record: Block;
  message: string | null;
}

type WaitAsync = (
  a: Int32Array,
  i: number,
  v: number,
) => { async: boolean; value: Promise<unknown> | string };

const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** The pool over shared memory (protocol in `_worker_main.ts`). */
export class SharedPool extends BasePool {
  readonly #ctrl: Block;
  readonly #c: number; // int32 index of the control block
  #seq = 0;
  #completed = 0;
  #gen = 0;
  #armed = false;
  readonly #inflight = new Map<number, Entry>();
  #waiting: { job: Job; dep: number; done: JobDone; seq: number }[] = [];
  #numbered = 0;
  #scratch: Block[] = [];
  #scratchBytes = 0;
  #retired: { after: number; blocks: Block[] }[] = [];
  readonly #encoder = new TextEncoder();

  /** A pool of `opts.threads` workers over `opts.heap` (which must be shared). */
  constructor(opts: PoolOptions) {
    super(opts);
    this.#ctrl = opts.heap.alloc(CTRL_INTS * 4);
    this.#c = this.#ctrl.ptr >> 2;
    this.opts.heap.views().i32.fill(0, this.#c, this.#c + CTRL_INTS);
  }

  #i32(): Int32Array {
    return this.opts.heap.views().i32;
  }

  protected initMessage(index: number): Record<string, unknown> {
    return {
      type: "init",
      memory: this.opts.heap.memory,
      ctrl: this.#ctrl.ptr,
      ctrlInts: CTRL_INTS,
      layout: LAYOUT,
      workers: this.opts.threads,
      index,
      gen: this.#gen,
      start: this.#seq + 1,
      notifyMain: waitAsync === undefined,
      bytes: this.opts.module?.bytes ?? null,
      mr: this.opts.mr,
      nv: this.opts.nv,
      maxPages: MAX_PAGES,
    };
  }

  protected busy(): boolean {
    return this.#inflight.size > 0 || this.#waiting.length > 0;
  }

  protected override spawn(): void {
    this.#gen++;
    Atomics.store(this.#i32(), this.#c + LAYOUT.GEN, this.#gen);
    super.spawn();
  }

  protected override terminate(): void {
    // Make the old workers leave their loops, then stop them.
    const i32 = this.#i32();
    Atomics.store(i32, this.#c + LAYOUT.GEN, -1);
    Atomics.notify(i32, this.#c + LAYOUT.DONE);
    Atomics.notify(i32, this.#c + LAYOUT.POSTED);
    super.terminate();
  }

  submit(job: Job, dep: number, done: JobDone): number {
    this.cancelIdle();
    if (this.workers.length === 0) this.spawn();
    const seq = ++this.#numbered;
    if (this.ready < this.workers.length || this.#waiting.length > 0 || this.#full()) {
      this.#waiting.push({ job, dep, done, seq });
    } else {
      this.#dispatch(job, dep, done, seq);
    }
    return seq;
  }

  #full(): boolean {
    return this.#seq - this.#completed >= LAYOUT.WINDOW;
  }

  protected whenReady(): void {
    this.#flush();
  }

  #flush(): void {
    while (this.#waiting.length > 0 && !this.#full() && this.ready === this.workers.length) {
      const { job, dep, done, seq } = this.#waiting.shift()!;
      this.#dispatch(job, dep, done, seq);
    }
  }

  #dispatch(job: Job, dep: number, done: JobDone, seq: number): void {
    if (job.scratch > this.#scratchBytes || this.#scratch.length === 0) {
      this.#growScratch(Math.max(job.scratch, 65536));
    }
    this.#seq = seq;
    const workers = this.workers.length;
    const count = Math.max(1, Math.min(job.starts.length - 1, workers));
    // Jobs that need fewer workers rotate over them, so independent ones can overlap.
    const first = count < workers ? seq % workers : 0;
    const text = JSON.stringify({
      job,
      scratch: this.#scratch.map((b) => b.ptr),
      scratchBytes: this.#scratchBytes,
    });
    const record = this.opts.heap.alloc(text.length * 3);
    const heap = this.opts.heap, i32 = this.#i32();
    const u8 = heap.views().u8.subarray(record.ptr, record.ptr + record.size);
    const { written } = this.#encoder.encodeInto(text, u8);
    const r = this.#c + LAYOUT.RECS + 8 * (seq % LAYOUT.WINDOW);
    i32[r] = record.ptr;
    i32[r + 1] = written;
    i32[r + 2] = count;
    i32[r + 3] = 0;
    i32[r + 4] = heap.bytesReserved / 65536;
    i32[r + 5] = dep;
    i32[r + 6] = first;
    i32[r + 7] = 0;
    this.#inflight.set(seq, { done, record, message: null });
    Atomics.store(i32, this.#c + LAYOUT.POSTED, seq);
    Atomics.notify(i32, this.#c + LAYOUT.POSTED); // wakes workers sleeping for a job
    for (let k = 0; k < count; k++) {
      const w = (first + k) % workers;
      if (Atomics.exchange(i32, this.#c + LAYOUT.IDLE + w, 0) === 1) {
        this.workers[w].postMessage("w");
      }
    }
    this.#arm();
  }

  /** Waits (asynchronously) for the next finished job. */
  #arm(): void {
    if (this.#armed || waitAsync === undefined || this.#inflight.size === 0) return;
    this.#armed = true;
    const res = waitAsync(this.#i32(), this.#c + LAYOUT.DONE, this.#completed);
    const then = () => {
      this.#armed = false;
      this.#drain();
    };
    if (res.async) (res.value as Promise<unknown>).then(then);
    else queueMicrotask(then);
  }

  #growScratch(bytes: number): void {
    if (this.#scratch.length > 0) this.#retired.push({ after: this.#seq, blocks: this.#scratch });
    const size = Math.max(bytes, Math.ceil(this.#scratchBytes * 1.5));
    this.#scratch = Array.from({ length: this.opts.threads }, () => this.opts.heap.alloc(size));
    this.#scratchBytes = size;
  }

  protected onMessage(_index: number, m: unknown): void {
    if (typeof m === "object" && m !== null && (m as { type?: string }).type === "error") {
      const e = m as { seq: number; message: string };
      const entry = this.#inflight.get(e.seq);
      if (entry !== undefined) entry.message ??= e.message;
    }
    this.#drain();
  }

  /** Completes finished jobs in submission order. */
  #drain(): void {
    const i32 = this.#i32();
    const done = Atomics.load(i32, this.#c + LAYOUT.DONE);
    while (this.#completed < done) {
      const seq = this.#completed + 1;
      const entry = this.#inflight.get(seq);
      if (entry === undefined) break;
      const failed = i32[this.#c + LAYOUT.RECS + 8 * (seq % LAYOUT.WINDOW) + 3] === 1;
      // Its error message is on its way (and will drain again): no waiting on DONE meanwhile.
      if (failed && entry.message === null) return;
      this.#inflight.delete(seq);
      this.#completed = seq;
      this.opts.heap.free(entry.record);
      this.#freeRetired();
      entry.done(failed ? entry.message : null);
    }
    this.#flush();
    if (this.#inflight.size > 0) this.#arm();
    else if (!this.busy()) this.scheduleIdle();
  }

  #freeRetired(): void {
    while (this.#retired.length > 0 && this.#retired[0].after <= this.#completed) {
      for (const b of this.#retired.shift()!.blocks) this.opts.heap.free(b);
    }
  }

  protected failAll(reason: string): void {
    // Every submitted job counts as finished: new workers start after the last one.
    this.#seq = this.#numbered;
    const i32 = this.#i32(), c = this.#c;
    i32.fill(0, c + LAYOUT.IDLE, c + CTRL_INTS);
    Atomics.store(i32, c + LAYOUT.POSTED, this.#seq);
    Atomics.store(i32, c + LAYOUT.DONE, this.#seq);
    Atomics.notify(i32, c + LAYOUT.DONE); // settles a pending waitAsync
    const entries = [...this.#inflight.entries()].sort((a, b) => a[0] - b[0]);
    this.#inflight.clear();
    this.#completed = this.#seq;
    this.#freeRetired();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const [, e] of entries) {
      this.opts.heap.free(e.record);
      e.done(reason);
    }
    for (const w of waiting) w.done(reason);
  }
}
