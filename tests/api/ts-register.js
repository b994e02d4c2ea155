// Lets a child `node` process load the TypeScript sources the way jest does (tests need no build): `@vos/<name>`
// resolves to packages/<name>/src/index.ts and .ts files are transpiled on load. Use: node -r ./ts-register.js
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = /^@vos\/([a-z-]+)$/.exec(request);
  if (m) return path.join(root, 'packages', m[1], 'src', 'index.ts');
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (err) {
    // Extensionless relative imports of .ts files.
    if (request.startsWith('.') && parent && parent.filename) {
      const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
      if (fs.existsSync(candidate)) return candidate;
    }
    throw err;
  }
};
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
