#!/usr/bin/env node
// The `emc` command: runs the TypeScript CLI (src/cli/main.ts) through tsx, no build step needed,
// with the devnet's extensions (tools/devnet/cli.ts): `--network embedded --state DIR`, `emc devnet`.
'use strict';
require('tsx/cjs');
const { run } = require('../src/cli/main.ts');
const { DEVNET_EXTENSIONS } = require('../tools/devnet/cli.ts');
run(process.argv.slice(2), DEVNET_EXTENSIONS).then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`internal error: ${e && e.stack ? e.stack : String(e)}\n`);
        process.exit(70);
    },
);
