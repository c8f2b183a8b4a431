import { assert, assertEquals } from "../../tests/assert.ts";
import { gemmName, MR, NV } from "./_gemm_wasm.ts";
import { buildKernelModule } from "./_kernels.ts";

type Kern = (...args: number[]) => void;

function instantiate(relaxed: boolean) {
  const mod = buildKernelModule(false, relaxed);
  assert(mod !== null, "this engine has WebAssembly SIMD");
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(mod.bytes), { env: { memory } });
  return { memory, ex: inst.exports as Record<string, Kern>, relaxed: mod.relaxed };
}

/** Runs one kernel on random data and checks C, including the cells it must not touch. */
function check(ex: Record<string, Kern>, memory: WebAssembly.Memory, v: {
  mr: number;
  nv: number;
  tail: number;
  strided: boolean;
  acc: boolean;
}): void {
  const f32 = new Float32Array(memory.buffer), i32 = new Int32Array(memory.buffer);
  const groups = 2, rows = groups * v.mr, width = 4 * v.nv;
  const cols = v.tail === 0 ? width : width - 4 + v.tail;
  const taps = [[0, 5], [40 * 4, 6]]; // two taps: 5 and 6 steps
  const K = 11, astride = v.strided ? 12 : 4, ldc = width + 3; // ldc in floats
  const A = 1024, rowTab = 60000, tapTab = 61000, B = 70000, C = 100000;
  const rand = () => Math.round(Math.random() * 16 - 8) / 4;
  for (let i = 0; i < 40000 / 4; i++) f32[A / 4 + i] = rand();
  for (let r = 0; r < rows; r++) i32[rowTab / 4 + r] = A + r * 600 * 4;
  taps.forEach(([off, len], t) => {
    i32[tapTab / 4 + 2 * t] = off;
    i32[tapTab / 4 + 2 * t + 1] = len;
  });
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < width; j++) f32[B / 4 + k * width + j] = j < cols ? rand() : 0;
  }
  const c0 = new Float32Array(rows * ldc).map(rand);
  f32.set(c0, C / 4);
  const name = gemmName(v.mr, v.nv, v.tail, v.strided);
  ex[name](rowTab, groups, tapTab, taps.length, B, C, ldc * 4, v.acc ? 1 : 0, astride);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < ldc; j++) {
      const got = f32[C / 4 + r * ldc + j];
      if (j >= cols) {
        assertEquals(got, c0[r * ldc + j], `${name}: cell (${r}, ${j}) beyond the tail changed`);
        continue;
      }
      let want = v.acc ? c0[r * ldc + j] : 0, k = 0;
      for (const [off, len] of taps) {
        for (let s = 0; s < len; s++, k++) {
          const a = f32[(i32[rowTab / 4 + r] + off + s * astride) / 4];
          want += a * f32[B / 4 + k * width + j];
        }
      }
      assertEquals(got, want, `${name} (acc ${v.acc}): C[${r}, ${j}]`);
    }
  }
}

Deno.test("every GEMM micro-kernel variant computes C (+)= A B and stores only its lanes", () => {
  for (const relaxed of [true, false]) {
    const { memory, ex } = instantiate(relaxed);
    for (let mr = 1; mr <= MR; mr++) {
      for (let nv = 1; nv <= NV; nv++) {
        for (let tail = 0; tail < 4; tail++) {
          for (const strided of [false, true]) {
            for (const acc of [false, true]) check(ex, memory, { mr, nv, tail, strided, acc });
          }
        }
      }
    }
  }
});

Deno.test("the kernel module validates with relaxed SIMD where the engine has it", () => {
  const mod = buildKernelModule(true);
  assert(mod !== null);
  assert(WebAssembly.validate(mod.bytes));
  assertEquals(buildKernelModule(true, false)?.relaxed, false);
});
