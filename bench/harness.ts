// Shared pieces of the benchmark harness. A case (bench/cases/*.ts) exports
// `default async function run(ctx: BenchContext): Promise<Result[]>`.
export interface Result { name: string; unit: string; value: number; baseline: number | null; ratio: number | null; target?: string; met?: boolean }
export interface BenchContext { quick: boolean; log(msg: string): void }

/** Mean time of fn in microseconds over enough iterations to take ~`ms` ms. */
export function timeUs(fn: () => void, ms = 300, minIters = 5): number {
  for (let i = 0; i < 3; i++) fn();
  let iters = 0;
  const t0 = process.hrtime.bigint();
  let el = 0n;
  while (iters < minIters || el < BigInt(ms) * 1_000_000n) {
    fn();
    iters++;
    el = process.hrtime.bigint() - t0;
  }
  return Number(el) / 1000 / iters;
}

export function result(name: string, unit: string, value: number, baseline: number | null = null, extra: Partial<Result> = {}): Result {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { name, unit, value: r(value), baseline: baseline === null ? null : r(baseline), ratio: baseline ? r(value / baseline) : null, ...extra };
}
