import { OPTIONS } from './args';

/** Column where an option's one-line description starts. */
const HELP_COLUMN = 30;

/** `vos --help`: one line per option, generated from the option table. docs/cli.md has the long form. */
function buildHelp(): string {
  let out = `vos: run a WASI program in a sandbox made of memory, read-only and copy-on-write mounts

Usage:
  vos run [options] <module.wasm> [guest args...]
  vos [options] <module.wasm> [guest args...]
  vos manifest DIR > DIR/index.json     (the manifest --http-dir reads)
  vos --help | --version

By default the guest gets a fresh in-memory / and sees nothing of the host.
Relative guest paths are under /; GUEST defaults to HOST as written.
`;
  let section = '';
  for (const o of OPTIONS) {
    if (o.section !== section) {
      section = o.section;
      out += `\n${section}:\n`;
    }
    const head = `  ${o.name}${o.arg === '' ? '' : o.arity === 'optional' ? o.arg : ` ${o.arg}`}`;
    out += `${head.padEnd(HELP_COLUMN - 1)} ${o.help}\n`;
  }
  out += `
Exit status: the guest's exit code (0-125); 1 when the guest exits with a code outside 0-125 (said on
stderr); 134 after a trap (message and wasm stack on stderr); 142 when --timeout stopped the guest and 137
when --max-memory did (one line on stderr); 130/143 after SIGINT/SIGTERM; 2 for a bad
option or an unreadable module file; 1 for a module vos cannot run; 70 for an internal error of vos.
`;
  return out;
}

export const HELP = buildHelp();
