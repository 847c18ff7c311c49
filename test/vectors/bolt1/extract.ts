// Extracts BOLT 1 Appendix A (BigSize decoding and encoding tests) verbatim
// into bigsize.json; values stay strings (one exceeds 2^53).
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const spec = readFileSync(new URL("../../../../shared/specs/bolts/01-messaging.md", import.meta.url), "utf8");
const appendix = spec.slice(spec.indexOf("## Appendix A: BigSize Test Vectors"), spec.indexOf("## Appendix B"));
const blocks = [...appendix.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1].replace(/"value": (\d+)/g, '"value": "$1"'));
const [decoding, encoding] = blocks.map((b) => JSON.parse(b));
writeFileSync(new URL("./bigsize.json", import.meta.url), JSON.stringify({
  source: "BOLT 1 (01-messaging.md) Appendix A", sourceSha256: createHash("sha256").update(spec).digest("hex"), decoding, encoding,
}, null, 2) + "\n");
console.log(`${decoding.length} decoding, ${encoding.length} encoding`);
