/**
 * The worker pools' common part: module workers started from inline source (a Blob URL, so no
 * worker file is needed), terminated after `idleMs` without work (and started again on the next
 * job, so a script exits on its own) or at `close()`. A worker error event (a crash, not a
 * failing tile) fails every pending job and resets the pool. The pools themselves are
 * `SharedPool` (`_pool_shared.ts`) and `TransferPool` (`_pool_transfer.ts`).
 * @module
 */

import type { Heap } from "./_heap.ts";
import type { KernelModule } from "./_kernels.ts";
import type { Job } from "./_types.ts";
import { workerSource } from "./_worker_main.ts";

let live = 0;

/** The number of live workers started by every worker backend in this thread. */
export function liveWorkerCount(): number {
  return live;
}

/** Called once per job: `null` on success, else the error message. */
export type JobDone = (error: string | null) => void;

/** What the backend needs of a pool. */
export interface Pool {
  /**
   * Queues `job`, which reads the outputs of the earlier jobs numbered up to `dep` (0: none);
   * `done` runs when it has finished (in submission order). Returns the job's number.
   */
  submit(job: Job, dep: number, done: JobDone): number;
  /** Terminates the workers; pending jobs finish with `reason` as their error. */
  close(reason: string): void;
  /** Live workers of this pool. */
  readonly liveWorkers: number;
}

/** Pool settings. */
export interface PoolOptions {
  /** Number of workers. */
  readonly threads: number;
  /** Milliseconds without work after which the workers are terminated. */
  readonly idleMs: number;
  /** The backend's heap. */
  readonly heap: Heap;
  /** The kernel module for the workers' memories (shared or private), or null. */
  readonly module: KernelModule | null;
  /** Micro-tile rows and vectors of the kernels. */
  readonly mr: number;
  readonly nv: number;
}

let cachedSource: string | undefined;

/** What both pools share: starting workers from inline source, idling, crashing, closing. */
export abstract class BasePool implements Pool {
  protected readonly opts: PoolOptions;
  protected workers: Worker[] = [];
  protected ready = 0;
  #url: string | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: PoolOptions) {
    this.opts = opts;
  }

  get liveWorkers(): number {
    return this.workers.length;
  }

  abstract submit(job: Job, dep: number, done: JobDone): number;
  protected abstract initMessage(index: number): Record<string, unknown>;
  protected abstract onMessage(index: number, m: unknown): void;
  protected abstract failAll(reason: string): void;
  protected abstract busy(): boolean;
  protected abstract whenReady(): void;

  protected spawn(): void {
    cachedSource ??= workerSource();
    this.#url = URL.createObjectURL(new Blob([cachedSource], { type: "text/javascript" }));
    for (let i = 0; i < this.opts.threads; i++) {
      const w = new Worker(this.#url, { type: "module", name: `convkit-worker-${i}` });
      live++;
      w.onmessage = (e: MessageEvent) => {
        if (typeof e.data === "object" && e.data?.type === "ready") {
          if (++this.ready === this.workers.length) {
            this.#revoke();
            this.whenReady();
          }
        } else {
          this.onMessage(i, e.data);
        }
      };
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.broken(`worker ${i} crashed: ${e.message}`);
      };
      w.onmessageerror = () => this.broken(`worker ${i} could not read a message`);
      this.workers.push(w);
      w.postMessage(this.initMessage(i));
    }
  }

  #revoke(): void {
    if (this.#url !== undefined) URL.revokeObjectURL(this.#url);
    this.#url = undefined;
  }

  protected terminate(): void {
    for (const w of this.workers) {
      w.onmessage = null;
      w.onerror = null;
      w.terminate();
      live--;
    }
    this.workers = [];
    this.ready = 0;
    this.#revoke();
  }

  protected broken(reason: string): void {
    this.terminate();
    this.failAll(`the worker pool failed (${reason})`);
  }

  protected cancelIdle(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  protected scheduleIdle(): void {
    this.cancelIdle();
    if (!Number.isFinite(this.opts.idleMs) || this.workers.length === 0) return;
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      if (!this.busy()) this.terminate();
    }, this.opts.idleMs);
  }

  close(reason: string): void {
    this.cancelIdle();
    this.terminate();
    this.failAll(reason);
  }
}
