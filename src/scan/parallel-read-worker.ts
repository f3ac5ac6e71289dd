/**
 * @module
 * A worker thread of a scan read in parts (./parallel-read.ts): loads the code at once (it may
 * be started ahead, ./part-workers.ts), then reads the one part it is sent (./read-part.ts) and
 * posts its progress and then its result.
 */
import { parentPort } from "node:worker_threads";
import type { PartRequest } from "./parallel-read.js";
import { readPart } from "./read-part.js";

parentPort!.once("message", (request: PartRequest) => {
  void readPart(request, { onProgress: (progress) => parentPort!.postMessage({ progress }) }).then((result) => parentPort!.postMessage({ result }));
});
