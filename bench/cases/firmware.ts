// Firmware per board and engine (issue #9): guest instructions per validated
// commitment signature (sign_counterparty_commitment, 0 and 10 HTLCs) counted
// by qemu with -icount shift=0 (rv32: minstret; Cortex-M4: TIM2, which counts
// qemu's virtual nanoseconds = instructions under icount; the DWT is not
// emulated), the share spent inside the crypto imports (libsecp256k1, hashes)
// against the core (engine + AssemblyScript) and the flash store, the
// wasm3/wasm2c ratio, and flash and RAM against the targets. Each request's
// reply is checked byte-identical to the Node core running the same core.wasm,
// so every figure is for a signature the policy validated. Boards not built
// (firmware/build.sh <board>) or without qemu are skipped. --quick: rv32 wasm2c only.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchContext, Result, result } from "../harness.js";
import { recordLifecycle, Step } from "../../test/firmware/lifecycle.js";
import { Device } from "../../test/firmware/device.js";
import { decodeReply } from "../../host/protocol/envelope.js";

const ROOT = join(import.meta.dirname, "../..");
const FLASH_TARGET = 256 * 1024, RAM_TARGET = 128 * 1024, RATIO_TARGET = 2;

interface Image { board: string; engine: string; elf: string; qemu: string; args: string[] }
const IMAGES: Image[] = [
  { board: "stm32f405-qemu", engine: "wasm2c", elf: "vigil-stm32-wasm2c.elf", qemu: "qemu-system-arm", args: ["-M", "netduinoplus2", "-semihosting-config", "enable=on,target=native"] },
  { board: "stm32f405-qemu", engine: "wasm3", elf: "vigil-stm32-wasm3.elf", qemu: "qemu-system-arm", args: ["-M", "netduinoplus2", "-semihosting-config", "enable=on,target=native"] },
  { board: "rv32-qemu", engine: "wasm2c", elf: "vigil-rv32-wasm2c.elf", qemu: "qemu-system-riscv32", args: ["-M", "virt", "-bios", "none"] },
  { board: "rv32-qemu", engine: "wasm3", elf: "vigil-rv32-wasm3.elf", qemu: "qemu-system-riscv32", args: ["-M", "virt", "-bios", "none"] },
];
const has = (tool: string) => { try { execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }); return true; } catch { return false; } };

interface Counters { heap: number; pages: number; insns: number; imports: number; calls: number; store: number }
function counters(p: Uint8Array): Counters {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const u64 = (o: number) => v.getUint32(o) * 2 ** 32 + v.getUint32(o + 4);
  return { heap: v.getUint32(12), pages: v.getUint32(16), insns: u64(20), imports: u64(28), calls: v.getUint32(36), store: u64(40) };
}

/** "flash N B, RAM M B data+bss [+ W B wasm linear memory]" from the build's size report. */
function sizes(elf: string): { flash: number; ram: number; wasmRegion: number } | null {
  const f = `${elf}.size.txt`;
  if (!existsSync(f)) return null;
  const t = readFileSync(f, "utf8");
  const num = (re: RegExp) => Number(t.match(re)?.[1] ?? 0);
  return { flash: num(/flash (\d+) B/), ram: num(/RAM (\d+) B data\+bss/), wasmRegion: num(/(\d+) B wasm linear memory/) };
}

async function measure(img: Image, steps: Step[], labels: string[], log: (m: string) => void) {
  const cwd = mkdtempSync(join(tmpdir(), "vigil-bench-"));
  const elf = join(ROOT, "build/firmware", img.board, img.elf);
  const dev = new Device(img.qemu, [...img.args, "-icount", "shift=0", "-display", "none", "-monitor", "none", "-serial", "stdio", "-kernel", elf], cwd);
  try {
    if ((await dev.hello()) !== img.engine) throw new Error(`no hello (device output: ${JSON.stringify(dev.raw.replace(/[^ -~\n]/g, "").trim())}${dev.stderr ? `, qemu: ${dev.stderr.trim().slice(0, 120)}` : ""})`);
    const out = new Map<string, Counters>();
    let failed: string | null = null;
    for (const s of steps) {
      const reply = await dev.request(s.request, 600_000);
      if (!reply || Buffer.compare(Buffer.from(reply), Buffer.from(s.reply)) !== 0) {
        const r = reply && decodeReply(reply);
        failed = `${s.label}: ${r && !r.ok ? `${r.error!.code} ${r.error!.message}` : "reply differs from the Node core's"}`;
        break; // later steps depend on this one
      }
      if (labels.includes(s.label)) out.set(s.label, counters((await dev.stats())!));
    }
    const c = counters((await dev.stats())!);
    return { per: out, peak: { heap: c.heap, pages: c.pages }, failed };
  } finally {
    await dev.kill();
    rmSync(cwd, { recursive: true, force: true });
    log(`${img.board}/${img.engine} measured`);
  }
}

export default async function run(ctx: BenchContext): Promise<Result[]> {
  const out: Result[] = [];
  const ns = ctx.quick ? [0] : [0, 10];
  const only = process.env.VIGIL_BENCH_BOARDS?.split(","); // e.g. rv32-qemu/wasm3
  const images = IMAGES.filter((i) => (only ? only.includes(`${i.board}/${i.engine}`) : !ctx.quick || (i.board === "rv32-qemu" && i.engine === "wasm2c")));
  const insns = new Map<string, number>();
  for (const img of images) {
    const elf = join(ROOT, "build/firmware", img.board, img.elf);
    const core = join(ROOT, "build/firmware", img.board, "core.wasm");
    if (!has(img.qemu) || !existsSync(elf) || !existsSync(core)) { ctx.log(`${img.board}/${img.engine}: skipped (${has(img.qemu) ? `${img.elf} not built` : `${img.qemu} missing`})`); continue; }
    const id = `firmware ${img.board}/${img.engine}`;
    // one channel (the F405's 128 KiB of linear memory), commitment 0 without HTLCs, commitment 1 with 10
    const steps = recordLifecycle({ wasm: readFileSync(core), channels: 1, rounds: ns.length, htlcs: (r) => ns[r] ?? 0, forget: false });
    const labels = ns.map((n, r) => `sign_counterparty_commitment 1/${r} (${n} HTLCs)`);
    let m;
    try { m = await measure(img, steps, labels, ctx.log); } catch (e) { ctx.log(`${id}: not measured: ${(e as Error).message}`); continue; }
    if (m.failed) ctx.log(`${id}: NOT measured from ${m.failed}`);
    for (const [r, n] of ns.entries()) {
      const c = m.per.get(labels[r]);
      if (!c) break;
      if (c.insns === 0) { ctx.log(`${id}: the board has no instruction counter`); break; }
      insns.set(`${img.board}/${img.engine}/${n}`, c.insns);
      out.push(result(`${id}: sign_counterparty_commitment, ${n} HTLCs (validated, committed to flash)`, "guest insns", c.insns));
      out.push(result(`${id}: ${n} HTLCs, inside the ${c.calls} crypto import calls vs all`, "guest insns", c.imports, c.insns));
      out.push(result(`${id}: ${n} HTLCs, in the core (engine + AssemblyScript) vs all`, "guest insns", c.insns - c.imports - c.store, c.insns));
      out.push(result(`${id}: ${n} HTLCs, in the flash store commit vs all`, "guest insns", c.store, c.insns));
    }
    const sz = sizes(elf);
    if (sz) {
      out.push(result(`${id}: flash (text + data)`, "bytes", sz.flash, FLASH_TARGET, { target: "≤ 256 KiB", met: sz.flash <= FLASH_TARGET }));
      // the signer's working set: static data, the linear memory in use (stm32: its own region) and the heap high-water mark
      // (rv32: the heap holds the linear memory and wasm3's compiled code); stacks are not counted
      const ram = sz.ram + (sz.wasmRegion ? m.peak.pages * 65536 : 0) + m.peak.heap;
      const what = sz.wasmRegion ? `data+bss + linear memory (${m.peak.pages} pages) + heap high-water` : `data+bss + heap high-water (holding ${m.peak.pages} pages of linear memory)`;
      out.push(result(`${id}: RAM, ${what}`, "bytes", ram, RAM_TARGET, { target: "≤ 128 KiB", met: ram <= RAM_TARGET }));
    }
  }
  for (const board of ["stm32f405-qemu", "rv32-qemu"]) {
    for (const n of ns) {
      const a = insns.get(`${board}/wasm3/${n}`), b = insns.get(`${board}/wasm2c/${n}`);
      if (a && b) out.push(result(`firmware ${board}: wasm3 / wasm2c instructions, ${n} HTLCs`, "guest insns", a, b, { target: "≤ 2×", met: a / b <= RATIO_TARGET }));
    }
  }
  return out;
}
