/**
 * The worker backend's handle: a block of the backend's memory, the job that writes it while that
 * is queued or running, and the failure (if any) it carries.
 * @module
 */

import type { Block } from "./_heap.ts";

/**
 * The worker backend's data handle: a block of the backend's memory, possibly still being
 * computed. Opaque to users.
 */
export interface WorkerHandle {
  /** Byte address of the data in the backend's memory. */
  readonly ptr: number;
  /** Whether the job that writes it is still queued or running. */
  readonly pending: boolean;
}

/** Where a failure started: the primitive that threw, and its message. */
export interface Cause {
  readonly prim: string;
  readonly message: string;
}

/** A handle and its bookkeeping (what `WorkerHandle` hides). */
export class Handle implements WorkerHandle {
  /** The block. */
  readonly block: Block;
  /** The primitive that writes it (or "upload"). */
  readonly prim: string;
  /** Resolves (never rejects) when the job that writes it has finished; null once it has. */
  done: Promise<void> | null = null;
  /** The pool job that writes it (0: written on the calling thread). */
  seq = 0;
  /** The error a read raises, when it or an input failed. */
  error: Error | null = null;
  /** The failure it comes from. */
  cause: Cause | null = null;
  /** Queued jobs and reads still using the block. */
  uses = 0;
  /** Whether no tensor refers to it any more. */
  released = false;
  /** Whether its block went back to the allocator. */
  freed = false;

  /** A handle over `block`, written by `prim`. */
  constructor(block: Block, prim: string) {
    this.block = block;
    this.prim = prim;
  }

  /** Byte address of the data. */
  get ptr(): number {
    return this.block.ptr;
  }

  /** Whether its job is still queued or running. */
  get pending(): boolean {
    return this.done !== null;
  }
}
