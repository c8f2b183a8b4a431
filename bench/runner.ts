/**
 * The contract between the benchmark driver and the code that runs workloads on one backend.
 * @module
 */

import type { BackendName } from "./report.ts";
import type { Workload } from "./workloads.ts";

/** One workload made ready on one backend: inputs uploaded, nothing timed yet. */
export interface Prepared {
  /** Runs the workload once and resolves when its results have been read back. */
  run(): Promise<void>;
  /** Frees the inputs. */
  dispose(): void;
}

/** A backend (at one thread count) that the driver can time workloads on. */
export interface Runner {
  /** The backend's name in the results. */
  readonly backend: BackendName;
  /** The JS threads it runs kernels on. */
  readonly threads: number;
  /** Uploads the inputs of `workload`; throws {@linkcode MissingError} if it cannot run it. */
  prepare(workload: Workload): Promise<Prepared>;
  /** Releases the backend (terminates workers, destroys devices). */
  close(): void;
}

/** Thrown when a backend lacks what a workload needs: the row is reported as missing. */
export class MissingError extends Error {
  /** @param message why the workload cannot run, e.g. `"no Conv2DBackpropFilter kernel"`. */
  constructor(message: string) {
    super(message);
    this.name = "MissingError";
  }
}
