/**
 * @module
 * Prints the authorisation matrix of the route table as Markdown, for docs/api.md
 * (`npm run docs:api-matrix`); test/fleet-matrix.test.ts fails while the doc differs.
 */
import { authorisationMatrix } from "./matrix.js";
import { ROUTES } from "./routes/index.js";

process.stdout.write(`${authorisationMatrix(ROUTES)}\n`);
