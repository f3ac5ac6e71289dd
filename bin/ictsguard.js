#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ and bundled into dist/cli/ by `npm install` (the prepare script).
import { main } from "../dist/cli/main.js";

await main();
