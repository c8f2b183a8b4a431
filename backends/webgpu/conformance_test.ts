import { conformance } from "../../tests/conformance.ts";
import { createWebGPUBackend, NoAdapterError, WebGPUUnavailableError } from "./mod.ts";

// The shared conformance suite on the WebGPU backend. Without WebGPU or an adapter here the
// tests are registered as ignored, with the reason printed, instead of failing.
let backend;
try {
  backend = await createWebGPUBackend();
} catch (e) {
  if (!(e instanceof WebGPUUnavailableError || e instanceof NoAdapterError)) throw e;
  console.warn(`webgpu conformance skipped: ${e.message}`);
  Deno.test({
    name: "webgpu backend: conformance (skipped: no WebGPU adapter)",
    ignore: true,
    fn() {},
  });
}
if (backend) conformance(backend);
