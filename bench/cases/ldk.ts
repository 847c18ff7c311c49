// LDK through Vigil (issue 8): the same open / pay×N / close flow between two
// LDK nodes with the payer on Vigil in-process vs LDK's KeysManager (wall time,
// target ≤ 1.5×), core round trips per payment, and the remote transport's
// added latency per round trip (TCP to `vigil serve` through the worker +
// Atomics bridge vs in-process).
import { benchOpenPayClose } from "../../host/ldk/bench.js";
import { keysManagerKeys } from "../../host/ldk/keys.js";
import { createVigilKeys, type VigilKeys } from "../../host/ldk/vigil-keys.js";
import { scriptToAddress } from "../../host/tools/wallet.js";
import { serveCores } from "../../host/ldk/serve-cores.js";
import { allowlistAdd } from "../../host/payments.js";
import { Signer } from "../../host/signer.js";
import { InProcessTransport } from "../../host/transport.js";
import { tcpTransport } from "../../host/remote/bridge.js";
import { BenchContext, Result, result, timeUs } from "../harness.js";

export default async function run(ctx: BenchContext): Promise<Result[]> {
  const n = ctx.quick ? 5 : 100;
  const out: Result[] = [];
  const km = await benchOpenPayClose("KeysManager", (s) => keysManagerKeys(s), n);
  let vk: VigilKeys | null = null;
  const vigil = await benchOpenPayClose("Vigil in-process", (seed, wallet) => {
    vk = createVigilKeys({ seed, network: "regtest", destinationScript: wallet });
    allowlistAdd(vk.signer, "address", scriptToAddress(vk.signer, "regtest", wallet));
    return vk;
  }, n);
  ctx.log(`KeysManager ${km.totalMs} ms, Vigil ${vigil.totalMs} ms for open + ${n} payments + close`);
  out.push(result(`LDK open/pay×${n}/close wall time: Vigil in-process vs KeysManager (target ≤ 1.5)`, "ms", vigil.totalMs, km.totalMs));
  out.push(result(`LDK payment (of ${n}): Vigil in-process vs KeysManager`, "ms", vigil.msPerPayment, km.msPerPayment));
  const trips = vk!.roundTrips();
  out.push(result(`core round trips per LDK payment (open/pay×${n}/close total ÷ ${n})`, "round trips", trips / n));

  const seed = new Uint8Array(32).fill(0x42);
  const servers = await serveCores({ X: seed });
  try {
    const t = servers.transport("X") as { host: string; port: number };
    const remote = new Signer(tcpTransport(t.host, t.port));
    const local = new Signer(new InProcessTransport());
    local.init({ secret: seed, network: "regtest" });
    const ms = ctx.quick ? 50 : 1000;
    const r = timeUs(() => remote.ping(), ms), l = timeUs(() => local.ping(), ms);
    out.push(result("remote transport added latency per round trip (TCP + worker bridge − in-process)", "us", r - l));
    out.push(result("round trip: remote (TCP to vigil serve) vs in-process", "us", r, l));
    remote.close();
  } finally { await servers.close(); }
  return out;
}
