/**
 * A tiny WebAssembly binary emitter: enough of the format (types, one imported memory, functions,
 * exports, code) and of the instruction set (integer and float scalars, control flow, simd128 and
 * relaxed-SIMD `f32x4.relaxed_madd`) to generate the backend's float32 kernels at run time, with
 * no external toolchain.
 * @module
 */

/** A value type: `i32`, `f32` or `v128`. */
export type ValType = "i32" | "f32" | "v128";

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Appends the unsigned LEB128 encoding of `v` to `out`. */
function uleb(out: number[], v: number): void {
  let x = v >>> 0;
  do {
    const byte = x & 0x7f;
    x >>>= 7;
    out.push(x !== 0 ? byte | 0x80 : byte);
  } while (x !== 0);
}

/** Appends the signed LEB128 encoding of the 32-bit integer `v` to `out`. */
function sleb(out: number[], v: number): void {
  let x = v | 0;
  for (;;) {
    const byte = x & 0x7f;
    x >>= 7;
    const done = (x === 0 && (byte & 0x40) === 0) || (x === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** SIMD opcodes used by the kernels (after the 0xfd prefix). */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Eq: 0x41,
  f32x4Gt: 0x44,
  bitselect: 0x52,
  store32Lane: 0x5a,
  store64Lane: 0x5b,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Max: 0xe9,
  relaxedMadd: 0x105,
} as const;

/**
 * A function body under construction: each method appends one instruction and returns the
 * builder. Locals are numbered after the parameters, in the order `local()` creates them.
 */
export class Code {
  /** The encoded instructions. */
  readonly bytes: number[] = [];
  /** Types of the locals declared so far (after the parameters). */
  readonly locals: ValType[] = [];
  readonly #params: number;

  /** A body for a function with `params` parameters. */
  constructor(params: number) {
    this.#params = params;
  }

  /** Declares a new local of `type` and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.#params + this.locals.length - 1;
  }

  /** Appends raw bytes. */
  raw(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  /** `local.get`. */
  get(i: number): this {
    this.bytes.push(0x20);
    uleb(this.bytes, i);
    return this;
  }

  /** `local.set`. */
  set(i: number): this {
    this.bytes.push(0x21);
    uleb(this.bytes, i);
    return this;
  }

  /** `i32.const`. */
  i32(v: number): this {
    this.bytes.push(0x41);
    sleb(this.bytes, v);
    return this;
  }

  /** `local[i] = local[i] + delta` (i32). */
  addTo(i: number, delta: number): this {
    return this.get(i).i32(delta).raw(0x6a).set(i);
  }

  /** `local[dst] = local[a] + local[b]` (i32). */
  sum(dst: number, a: number, b: number): this {
    return this.get(a).get(b).raw(0x6a).set(dst);
  }

  /** `i32.load offset`. */
  i32Load(offset = 0): this {
    return this.mem(0x28, 2, offset);
  }

  /** `f32.load offset` / `f32.store offset` helpers. */
  f32Load(offset = 0): this {
    return this.mem(0x2a, 2, offset);
  }

  /** `f32.store offset`. */
  f32Store(offset = 0): this {
    return this.mem(0x38, 2, offset);
  }

  /** A scalar memory instruction with its memarg. */
  mem(op: number, align: number, offset: number): this {
    this.bytes.push(op);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    return this;
  }

  /** A SIMD instruction (`0xfd` prefix) with optional immediate bytes. */
  simd(op: number, ...imm: number[]): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, op);
    this.bytes.push(...imm);
    return this;
  }

  /** A SIMD memory instruction with its memarg (and a lane index for the lane stores). */
  simdMem(op: number, align: number, offset: number, lane?: number): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, op);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    if (lane !== undefined) this.bytes.push(lane);
    return this;
  }

  /** `v128.const 0`. */
  zero(): this {
    return this.simd(SIMD.const, ...new Array<number>(16).fill(0));
  }

  /** `block` (no result). */
  block(): this {
    return this.raw(0x02, 0x40);
  }

  /** `loop` (no result). */
  loop(): this {
    return this.raw(0x03, 0x40);
  }

  /** `if` (no result). */
  if(): this {
    return this.raw(0x04, 0x40);
  }

  /** `else`. */
  else(): this {
    return this.raw(0x05);
  }

  /** `end`. */
  end(): this {
    return this.raw(0x0b);
  }

  /** `br depth`. */
  br(depth: number): this {
    return this.raw(0x0c, depth);
  }

  /** `br_if depth`. */
  brIf(depth: number): this {
    return this.raw(0x0d, depth);
  }
}

/** One function of a module. */
export interface FuncDef {
  /** The export name. */
  readonly name: string;
  /** Parameter types. */
  readonly params: readonly ValType[];
  /** The body; its `locals` are declared in the function. */
  readonly code: Code;
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  out.push(...body);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  out.push(...b);
}

/**
 * Encodes a module that imports one memory as `env.memory` (shared or not, with the given page
 * limits) and exports every function of `funcs` under its name. Functions return nothing.
 */
export function emitModule(
  funcs: readonly FuncDef[],
  memory: { readonly shared: boolean; readonly maxPages: number },
): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // Types: one per function (duplicates are harmless).
  const types: number[] = [];
  uleb(types, funcs.length);
  for (const f of funcs) {
    types.push(0x60);
    uleb(types, f.params.length);
    for (const p of f.params) types.push(VALTYPE[p]);
    types.push(0x00);
  }
  section(out, 1, types);
  const imports: number[] = [1];
  name(imports, "env");
  name(imports, "memory");
  imports.push(0x02, memory.shared ? 0x03 : 0x01);
  uleb(imports, 1);
  uleb(imports, memory.maxPages);
  section(out, 2, imports);
  const fns: number[] = [];
  uleb(fns, funcs.length);
  funcs.forEach((_, i) => uleb(fns, i));
  section(out, 3, fns);
  const exps: number[] = [];
  uleb(exps, funcs.length);
  funcs.forEach((f, i) => {
    name(exps, f.name);
    exps.push(0x00);
    uleb(exps, i);
  });
  section(out, 7, exps);
  const code: number[] = [];
  uleb(code, funcs.length);
  for (const f of funcs) {
    const body: number[] = [];
    const locals = f.code.locals;
    uleb(body, locals.length);
    for (const t of locals) {
      body.push(1, VALTYPE[t]);
    }
    body.push(...f.code.bytes, 0x0b);
    uleb(code, body.length);
    code.push(...body);
  }
  section(out, 10, code);
  return new Uint8Array(out);
}
