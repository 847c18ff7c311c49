// Loads core.wasm with the noble import contract and runs one request at a
// time through its ABI (vigil_input / vigil_handle / vigil_output). A trap in
// the core is caught here: the reply becomes an INTERNAL error and the instance
// is rebuilt (and restored by the `onRebuild` hook) before the next request.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { nobleImports } from "../crypto/noble.js";
import { Code, PROTOCOL_VERSION } from "../protocol/envelope.js";
import { Writer } from "../protocol/codec.js";

interface Exports {
  memory: WebAssembly.Memory;
  vigil_input(len: number): number;
  vigil_handle(len: number): number;
  vigil_output(): number;
  vigil_memory_pages(): number;
}

/** Builds the `vigil` import object; tests may wrap the noble one. */
export type ImportFactory = (memory: () => WebAssembly.Memory) => Record<string, Function>;

const here = dirname(fileURLToPath(import.meta.url));

/** Path of the release core: build/core.wasm at the repository root. */
export function coreWasmPath(): string {
  for (const up of ["../..", "../../.."]) {
    const p = join(here, up, "build", "core.wasm");
    try { readFileSync(p, { flag: "r" }); return p; } catch { /* next */ }
  }
  throw new Error("build/core.wasm not found: run `npm run asbuild`");
}

let cachedModule: WebAssembly.Module | null = null;
export function coreModule(): WebAssembly.Module {
  if (!cachedModule) cachedModule = new WebAssembly.Module(readFileSync(coreWasmPath()));
  return cachedModule;
}

export class Core {
  private ex!: Exports;
  traps = 0;
  onRebuild: ((core: Core) => void) | null = null;

  constructor(
    private readonly module: WebAssembly.Module = coreModule(),
    private readonly makeImports: ImportFactory = nobleImports,
  ) {
    this.instantiate();
  }

  private instantiate() {
    let memory: WebAssembly.Memory | null = null;
    const vigil = this.makeImports(() => memory!);
    const inst = new WebAssembly.Instance(this.module, { vigil });
    this.ex = inst.exports as unknown as Exports;
    memory = this.ex.memory;
  }

  /** Pages of linear memory in use (64 KiB each). */
  memoryPages(): number { return this.ex.vigil_memory_pages(); }

  /** One request frame in, one reply frame out. Never throws on bad input. */
  call(frame: Uint8Array): Uint8Array {
    try {
      const ptr = this.ex.vigil_input(frame.length);
      if (ptr === 0) return hostError(frame, Code.TOO_LARGE, "request over max_message");
      new Uint8Array(this.ex.memory.buffer).set(frame, ptr);
      const n = this.ex.vigil_handle(frame.length);
      const out = this.ex.vigil_output();
      return new Uint8Array(this.ex.memory.buffer).slice(out, out + n);
    } catch (e) {
      this.traps++;
      this.instantiate();
      this.onRebuild?.(this);
      return hostError(frame, Code.INTERNAL, `core trapped (${(e as Error).message}); instance rebuilt`);
    }
  }
}

/** An error reply made by the host for a request the core could not answer. */
function hostError(frame: Uint8Array, code: number, msg: string): Uint8Array {
  const id = frame.length >= 5 ? new DataView(frame.buffer, frame.byteOffset).getUint32(1, false) : 0;
  return new Writer().u8(PROTOCOL_VERSION).u32(id).u8(1).u16(code).bytes16(new Uint8Array(0))
    .bytes16(new TextEncoder().encode(msg)).finish();
}
