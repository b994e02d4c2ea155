'use strict';
/**
 * The ```ts code blocks of docs/browser.md as browser test pages (BRIEF: every code block in the docs stays true
 * and tested). Each block becomes one page: its imports stay at the top, the rest runs as one test; a block
 * checks its own result by throwing.
 */
const fs = require('node:fs');
const path = require('node:path');

const DOC = path.join(__dirname, '../../docs/browser.md');

function blocks() {
  const text = fs.readFileSync(DOC, 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Writes one entry per block into `dir`; returns { entryName: file }. */
function generate(dir) {
  const entries = {};
  const harness = JSON.stringify(path.join(__dirname, 'harness.ts'));
  blocks().forEach((code, i) => {
    const lines = code.split('\n');
    // Imports may span lines (`import {\n a,\n} from 'x';`): take statements up to the first non-import line.
    let end = 0;
    let inImport = false;
    for (; end < lines.length; end++) {
      const l = lines[end];
      if (inImport) {
        if (/from\s+['"][^'"]+['"];?\s*$/.test(l)) inImport = false;
        continue;
      }
      if (/^import\s/.test(l)) {
        if (!/from\s+['"][^'"]+['"];?\s*$|^import\s+['"]/.test(l)) inImport = true;
        continue;
      }
      if (l.trim() === '') continue;
      break;
    }
    const file = path.join(dir, `doc-block-${i + 1}.ts`);
    fs.writeFileSync(
      file,
      `import { test, runAndReport } from ${harness};\n${lines.slice(0, end).join('\n')}\n` +
        `test(${JSON.stringify(`docs/browser.md, code block ${i + 1}`)}, async () => {\n${lines.slice(end).join('\n')}\n});\n` +
        'runAndReport();\n',
    );
    entries[`doc-block-${i + 1}`] = file;
  });
  return entries;
}

module.exports = { generate, blocks };
