import { assertEquals } from "../../tests/assert.ts";
import { conformance } from "../../tests/conformance.ts";
import { createWorkerBackend, liveWorkerCount } from "./mod.ts";

// No inline work and tiny tiles: every kernel runs in the pool, split across both workers; once
// over shared memory, once with the copy-and-transfer fallback, once all on the calling thread.
const shared = createWorkerBackend({ threads: 2, inlineWork: 0, minTileWork: 1 });
const transfer = createWorkerBackend({
  threads: 2,
  inlineWork: 0,
  minTileWork: 1,
  sharedMemory: false,
});
conformance(shared);
conformance({ ...transfer, name: "worker (transfer)" });
conformance({ ...createWorkerBackend({ threads: 0 }), name: "worker (inline)" });

Deno.test("worker backend: closing the conformance backends leaves no live worker", () => {
  shared.close();
  transfer.close();
  assertEquals(liveWorkerCount(), 0);
});
