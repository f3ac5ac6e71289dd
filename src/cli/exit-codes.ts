/**
 * @module
 * Exit codes, documented in docs/cli.md: 0 nothing at or over the `--fail-on` threshold,
 * 1 findings at or over it, 2 a usage or input error (an input error wins over findings, so a
 * broken inventory never passes as clean).
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
