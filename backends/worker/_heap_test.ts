import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { Heap, sizeClass } from "./_heap.ts";

Deno.test("size classes are multiples of 64 with at most a quarter of waste", () => {
  for (let bytes = 1; bytes < 1 << 20; bytes = Math.ceil(bytes * 1.37) + 1) {
    const c = sizeClass(bytes);
    assertEquals(c % 64, 0);
    assert(c >= bytes && c <= Math.max(64, bytes * 1.25 + 64), `${bytes} -> ${c}`);
  }
});

Deno.test("freed blocks are reused before the memory grows, and blocks never overlap", () => {
  const heap = new Heap(false);
  const a = heap.alloc(1000), b = heap.alloc(5000);
  assert(a.ptr + a.size <= b.ptr || b.ptr + b.size <= a.ptr);
  assertEquals(a.ptr % 64, 0);
  heap.free(a);
  assertEquals(heap.alloc(990).ptr, a.ptr);
  const reserved = heap.bytesReserved;
  for (let i = 0; i < 100; i++) heap.free(heap.alloc(4096));
  assertEquals(heap.bytesReserved, reserved);
});

Deno.test("the memory grows for large blocks and refuses blocks past its limit", () => {
  const heap = new Heap(true);
  const big = heap.alloc(20 << 20);
  assert(heap.bytesReserved >= big.ptr + big.size);
  heap.views().f32[(big.ptr + big.size) / 4 - 1] = 1;
  assertThrows(() => heap.alloc(3 * 2 ** 30), RangeError, "out of memory");
});
