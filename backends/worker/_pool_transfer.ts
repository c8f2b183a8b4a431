/**
 * The pool without shared memory (no `SharedArrayBuffer`, e.g. a page that is not cross-origin
 * isolated): one job at a time; each worker gets copies of the inputs and a contiguous range of
 * tiles, computes them in its own memory and transfers its output range back.
 * @module
 */

import { MAX_PAGES } from "./_kernels.ts";
import { BasePool, type JobDone } from "./_pool.ts";
import type { Job } from "./_types.ts";

/** The pool without shared memory: copies in, transfers out, one job at a time. */
export class TransferPool extends BasePool {
  #queue: { job: Job; done: JobDone }[] = [];
  #current: { job: Job; done: JobDone; pending: number; error: string | null } | undefined;
  #id = 0;
  #submitted = 0;

  protected initMessage(): Record<string, unknown> {
    return {
      type: "init",
      bytes: this.opts.module?.bytes ?? null,
      mr: this.opts.mr,
      nv: this.opts.nv,
      maxPages: MAX_PAGES,
    };
  }

  protected busy(): boolean {
    return this.#current !== undefined || this.#queue.length > 0;
  }

  submit(job: Job, _dep: number, done: JobDone): number {
    this.cancelIdle();
    if (this.workers.length === 0) this.spawn();
    this.#queue.push({ job, done });
    this.#pump();
    return ++this.#submitted;
  }

  protected whenReady(): void {
    this.#pump();
  }

  #pump(): void {
    if (
      this.#current !== undefined || this.ready < this.workers.length || this.workers.length === 0
    ) {
      return;
    }
    const next = this.#queue.shift();
    if (next === undefined) {
      this.scheduleIdle();
      return;
    }
    const { job } = next;
    const ntiles = job.starts.length - 1;
    const count = Math.max(1, Math.min(ntiles, this.workers.length));
    this.#current = { ...next, pending: count, error: null };
    const id = ++this.#id;
    const u8 = this.opts.heap.views().u8;
    for (let c = 0; c < count; c++) {
      const inputs = job.ins.map((ptr, i) => {
        const bytes = job.sizes[i] * (job.dt[i] === "float64" ? 8 : 4);
        return u8.slice(ptr, ptr + bytes).buffer;
      });
      const t0 = Math.round((c * ntiles) / count), t1 = Math.round(((c + 1) * ntiles) / count);
      this.workers[c].postMessage({ type: "tjob", id, job, inputs, t0, t1 }, inputs);
    }
  }

  protected onMessage(_index: number, msg: unknown): void {
    const m = msg as Record<string, unknown>;
    const cur = this.#current;
    if (cur === undefined) return;
    if (m.type === "tdone") {
      const { job } = cur;
      const bpe = job.dt[job.dt.length - 1] === "float64" ? 8 : 4;
      const bytes = new Uint8Array(m.bytes as ArrayBuffer);
      this.opts.heap.views().u8.set(bytes, job.out + (m.start as number) * bpe);
    } else if (m.type === "terror") {
      cur.error ??= m.message as string;
    }
    if (--cur.pending > 0) return;
    this.#current = undefined;
    cur.done(cur.error);
    this.#pump();
  }

  protected failAll(reason: string): void {
    const jobs = this.#current === undefined ? this.#queue : [this.#current, ...this.#queue];
    this.#current = undefined;
    this.#queue = [];
    for (const j of jobs) j.done(reason);
  }
}
