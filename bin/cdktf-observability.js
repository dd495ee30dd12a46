#!/usr/bin/env node
// The `cdktf-observability` command (see `cdktf-observability --help`); the code is compiled
// to dist/ when the package is built.
process.exitCode = require('../dist/lib/importer/cli').main(process.argv.slice(2));
