/**
 * The fleet service's suite (fleet-suite.ts) on SQLite: a new file per test.
 */
import { join } from "node:path";
import { tempDir } from "../testing/temp.js";
import { fleetSuite } from "./fleet-suite.js";

fleetSuite({
  name: "sqlite",
  fresh: async () => join(tempDir("ictsguard-fleet-"), "fleet.sqlite"),
  cleanup: async () => undefined,
});
