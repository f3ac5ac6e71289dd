/**
 * @module
 * A worker thread of a scan read in parts (./parallel-read.ts): reads one part (./read-part.ts)
 * and posts its progress and then its result.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { PartRequest } from "./parallel-read.js";
import { readPart } from "./read-part.js";

const result = await readPart(workerData as PartRequest, { onProgress: (progress) => parentPort!.postMessage({ progress }) });
parentPort!.postMessage({ result });
