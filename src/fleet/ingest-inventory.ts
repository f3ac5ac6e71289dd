/**
 * @module
 * An inventory file (any format `scan` reads, gzip and zip too) read and handed to ingest: the one
 * path of every upload, whether it is judged before the answer (the HTTP routes, through
 * src/server/routes/inventories.ts `storeInventory`) or after it, by the job loop, from the queue
 * (upload-queue.ts). Reading streams (read-inventory.ts); an inventory not read whole is refused
 * with the reading's own reason (`InventoryRefusal`), whatever ingest wrapped it in, and nothing
 * is stored.
 */
import { readInventory } from "./read-inventory.js";
import type { IngestRequest, Principal, ScanRecord } from "./types.js";

/** What an inventory upload names besides its bytes. */
export type InventoryUpload = {
  site: string;
  host?: string;
  /** The body as it arrives (streamed), or the bytes a queued upload kept. */
  body: ReadableStream<Uint8Array> | Uint8Array | null;
  filename: string;
  source: string;
  format?: string;
  idempotencyKey?: string;
  /** Default: now (ingest's clock). A queued upload is judged as of its accept instant. */
  receivedAt?: string;
};

/** A reader's warning, located in the upload. */
export type UploadWarning = { code: string; message: string; file: string; line?: number };

export type IngestedInventory = { scan: ScanRecord; warnings: UploadWarning[] };

/**
 * Reads the upload and ingests its observations with `ingest` (the fleet's, or the queue's, which
 * marks the queued upload done in ingest's own transaction). Throws the reading's
 * `InventoryRefusal` when the inventory was not read whole.
 */
export async function ingestInventory(
  ingest: (request: IngestRequest, warnings: () => UploadWarning[]) => Promise<ScanRecord>,
  principal: Principal,
  input: InventoryUpload,
  maxBytes: number,
): Promise<IngestedInventory> {
  const reading = readInventory(input.body, { name: input.filename, maxBytes, ...(input.format ? { inputFormat: input.format } : {}) });
  // complete once the observations ended (ingest has read them all before it writes anything)
  const warnings = (): UploadWarning[] =>
    reading.issues().map((i) => ({ code: i.code, message: i.message, file: i.source.file, ...(i.source.line !== undefined ? { line: i.source.line } : {}) }));
  let scan: ScanRecord;
  try {
    scan = await ingest({
      principal,
      site: input.site,
      ...(input.host ? { host: input.host } : {}),
      observations: reading.observations,
      source: {
        name: input.source,
        // known once reading started: read by the fleet when it stores the scan
        get format() {
          return reading.format();
        },
      },
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      ...(input.receivedAt ? { receivedAt: input.receivedAt } : {}),
      // read by the fleet after the observations ended (the count is known only then)
      get issues() {
        return reading.issues().length;
      },
    }, warnings);
  } catch (err) {
    const failure = reading.failure();
    if (failure) throw failure; // the reading's own reason, whatever the fleet wrapped it in
    throw err;
  }
  return { scan, warnings: warnings() };
}
