#!/usr/bin/env node
// The `emc` command: runs the TypeScript CLI (src/cli/main.ts) through tsx, no build step needed.
'use strict';
require('tsx/cjs');
const { run } = require('../src/cli/main.ts');
run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`internal error: ${e && e.stack ? e.stack : String(e)}\n`);
        process.exit(70);
    },
);
