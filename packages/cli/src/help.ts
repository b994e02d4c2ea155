/** `vos --help`: the whole reference, short enough for a terminal. docs/cli.md has the long form. */
export const HELP = `vos: run a WASI program in a sandbox made of memory, read-only and copy-on-write mounts

Usage:
  vos run [options] <module.wasm> [guest args...]
  vos --help | --version

By default the guest gets a fresh in-memory / and sees nothing of the host.

Filesystem (GUEST defaults to HOST as written; relative guest paths are under /):
  --dir HOST[::GUEST]         host directory, read-write
  --ro-dir HOST[::GUEST]      host directory, read-only
  --mem-dir [HOST::]GUEST     in-memory directory, optionally seeded with a copy of HOST (never changed)
  --overlay HOST[::GUEST]     copy-on-write over HOST; changes stay in memory
  --diff                      when the guest ends, print what it created, modified and deleted in each
                              --overlay (to stderr)

Process:
  --env KEY=VALUE             set an environment variable (repeatable)
  --inherit-env               start from the host's environment
  --argv0 NAME                the guest's argv[0] (default: the module path as given)
  --stdin FILE                the guest's stdin is FILE ('-': the host's stdin, the default)
  --invoke NAME               call the export NAME (numeric guest args as its parameters) instead of _start;
                              a reactor's _initialize runs first

Time and randomness:
  --fake-clock[=TIME]         virtual time from TIME (ISO 8601 or ns since the epoch; default
                              2000-01-01T00:00:00Z); sleeps take no time
  --seed N                    random_get from a seeded generator (not cryptographic)
  --deterministic             --fake-clock plus --seed 0 (each can still be given)

Budgets (docs/security.md; defaults protect the host):
  --limit NAME=N              set one budget (repeatable; N may end in K, M or G):
                                fds (16384), symlinks (40 per path), path-components (8192 per path),
                                listing-entries (1M held by fd_readdir), and for every in-memory filesystem
                                mem-bytes (512M), mem-inodes (262144), mem-file-size (4G)
  --allow-outside-symlinks    let the guest make symlinks on --dir directories that point outside them
                              (refused with EPERM by default: the host's own tools would follow them)

Tracing:
  --trace[=FILE]              one line per syscall (to stderr, or to FILE)
  --trace-summary             a table of calls, errors and time per syscall at the end

Exit status: the guest's exit code; 134 after a trap (message and wasm stack on stderr); 2 for a bad option
or an unreadable module file; 1 for a module vos cannot run (not wasm, an import vos does not provide, no
_start or memory).
`;
