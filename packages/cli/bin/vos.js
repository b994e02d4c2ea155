#!/usr/bin/env node
// The `vos` command. A committed shim (executable in git) rather than dist/vos.js itself: npm links bins before
// the root `prepare` builds dist/, so a bin that points into dist/ would lose its executable bit.
'use strict';
const { main } = require('../dist/vos.js');
// The OS keeps the low 8 bits of the status (a guest's exit(256) is 0, exit(-1) is 255), as with any process.
// A run in a worker thread (--timeout, --max-memory, --http-dir) answers with a promise of the status.
const status = main(process.argv.slice(2));
if (typeof status === 'number') process.exitCode = status;
else status.then((code) => { process.exitCode = code; });
