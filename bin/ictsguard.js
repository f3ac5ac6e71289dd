#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm install` (the prepare script).
import { main } from "../dist/src/cli/main.js";

await main();
