import type { Stdio } from '@vos/core';
import { HostFdStream } from './host-fd-stream';

/** The guest's fds 0-2 over host fds, defaulting to the host's own stdio (node:wasi's `stdin`/`stdout`/`stderr`). */
export function hostStdio(stdin = 0, stdout = 1, stderr = 2): Stdio {
  return { stdin: new HostFdStream(stdin), stdout: new HostFdStream(stdout), stderr: new HostFdStream(stderr) };
}
