// Board images in qemu: the same workload as linux-sim, byte-identical to the
// Node core running the very core.wasm the image embeds. Skips a board whose
// image or emulator is missing (build: firmware/build.sh <board> <engine>).
import { describe, it, expect } from "vitest";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialLink, childStream } from "../../host/serial/link.js";
import { recordWorkload } from "./workload.js";

const ROOT = join(import.meta.dirname, "../..");
const has = (tool: string) => { try { execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }); return true; } catch { return false; } };

const BOARDS = [
  // 128 KiB of linear memory (all a 192 KiB part can give) holds the core with
  // a handful of channels: more need a third page (docs/firmware.md)
  // its flash store is a host file (vigil-flash.bin in qemu's directory) through semihosting
  { board: "stm32f405-qemu", engine: "wasm2c", elf: "vigil-stm32-wasm2c.elf", qemu: "qemu-system-arm", args: ["-M", "netduinoplus2", "-semihosting-config", "enable=on,target=native"], channels: 4, persistent: true },
  // wasm3 needs its compiled code besides the 128 KiB: it does not fit 192 KiB (built, not run)
  // its flash store is a RAM region: state lasts until qemu exits
  { board: "rv32-qemu", engine: "wasm2c", elf: "vigil-rv32-wasm2c.elf", qemu: "qemu-system-riscv32", args: ["-M", "virt", "-bios", "none"], channels: Infinity, persistent: false },
  { board: "rv32-qemu", engine: "wasm3", elf: "vigil-rv32-wasm3.elf", qemu: "qemu-system-riscv32", args: ["-M", "virt", "-bios", "none"], channels: Infinity, persistent: false },
];

for (const b of BOARDS) {
  const elf = join(ROOT, "build/firmware", b.board, b.elf);
  const why = !has(b.qemu) ? `${b.qemu} not installed` : !existsSync(elf) ? `${elf} not built (firmware/build.sh ${b.board} ${b.engine})` : null;
  if (why) console.warn(`${b.board}/${b.engine} skipped: ${why}`);
  describe.skipIf(why !== null)(`${b.board} (${b.engine}) in qemu`, () => {
    // qemu runs in `cwd`: a semihosting board keeps its flash there (vigil-flash.bin)
    const boot = (cwd: string) => new SerialLink(childStream(spawn(b.qemu, [...b.args, "-display", "none", "-monitor", "none", "-serial", "stdio", "-kernel", elf], { stdio: ["pipe", "pipe", "ignore"], cwd })), { timeoutMs: 20_000, retries: 1 });
    it("≥ 200 mixed requests, byte-identical to the Node core", async () => {
      const log = recordWorkload(220, readFileSync(join(ROOT, "build/firmware", b.board, "core.wasm")), b.channels);
      const cwd = mkdtempSync(join(tmpdir(), "vigil-board-")); // a fresh flash file
      const link = boot(cwd);
      try {
        expect((await link.hello()).engine).toBe(b.engine);
        const bad: string[] = [];
        const t0 = performance.now();
        for (const [i, x] of log.entries()) {
          const got = await link.request(x.request);
          if (Buffer.compare(Buffer.from(got), Buffer.from(x.reply)) !== 0) bad.push(`#${i} ${x.label}: ${Buffer.from(got).subarray(0, 90).toString("latin1").replace(/[^ -~]/g, ".")}`);
        }
        const st = await link.deviceStats();
        console.log(`${b.board} ${b.engine}: ${log.length} requests, ${log.length - bad.length} identical, ${((performance.now() - t0) / log.length).toFixed(2)} ms/request (emulated), heap ${st.heapBytes} B, ${st.wasmPages} wasm pages`);
        expect(bad).toEqual([]);
      } finally {
        link.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    // Power off and on: the state comes back from the flash store. One channel: restoring
    // more (state_import) needs more than the 128 KiB of linear memory (docs/firmware.md).
    it.runIf(b.persistent)("the state survives a power-off (flash store), restored at boot", async () => {
      const log = recordWorkload(60, readFileSync(join(ROOT, "build/firmware", b.board, "core.wasm")), 1);
      const cwd = mkdtempSync(join(tmpdir(), "vigil-board-"));
      let link = boot(cwd);
      try {
        for (const x of log) await link.request(x.request);
        link.close();
        link = boot(cwd);
        const last = log[log.length - 1]; // the workload ends with state_digest
        expect(last.label).toBe("state_digest");
        expect(Buffer.from(await link.request(last.request)).toString("hex")).toBe(Buffer.from(last.reply).toString("hex"));
      } finally {
        link.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
