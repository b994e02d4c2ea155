'use strict';
// INTERIM: the esbuild plugins the pages need until every package has a browser entry (see plugin.js).
module.exports = { plugins: () => [require('./plugin').interimNodeStubsPlugin()] };
