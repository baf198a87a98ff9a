#!/usr/bin/env node
// A committed entry point, so that pnpm can link the bin before `dist/` is built; the CLI itself is built.
import "../dist/cli.mjs";
