// Every conformance suite (official spec vectors through the core) under vitest.
import { describe, it, expect } from "vitest";
import { loadSuites, runSuite } from "./conformance/suite.js";

const suites = await loadSuites();
describe("conformance", () => {
  // `external` suites run other test files (policy-attacks: the attack tests, which npm test runs anyway).
  for (const s of suites.filter((x) => !(x as { external?: boolean }).external)) {
    it(s.name, async () => {
      const r = await runSuite(s);
      expect(r.failures).toEqual([]);
      expect(r.passed).toBeGreaterThan(0);
    });
  }
});
