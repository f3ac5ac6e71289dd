import type { Fleet, FleetOptions } from "./types.js";

/** Opens the store (migrations at open) and the catalog. */
export async function openFleet(_options: FleetOptions = {}): Promise<Fleet> {
  throw new Error("openFleet: being implemented on branch fleet-core");
}
