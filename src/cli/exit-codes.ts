/**
 * @module
 * Exit codes of every command (docs/cli.md); defined beside the report model, which carries
 * them into SARIF.
 */
export { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, exitCodeOf } from "../model/exit-code.js";
