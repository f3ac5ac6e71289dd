/**
 * @module
 * The fleet service's entry: `openFleet(options)` → `Fleet` (see types.ts).
 */
export * from "./types.js";
export { openFleet } from "./open.js";
export { openInventory, type Inventory } from "./inventory.js";
export * from "./notify-types.js";
