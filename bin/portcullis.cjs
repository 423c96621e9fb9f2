#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` makes dist/). CommonJS, as the CLI is: see src/cli.cts.
require('../dist/src/cli.cjs');
