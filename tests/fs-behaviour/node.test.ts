import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@vos/fs-node';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';
import { nodeFsPaths } from '../helpers/fs-node-paths';

function tempRoot(): { root: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-fs-behaviour-'));
  const root = join(tmp, 'root');
  mkdirSync(root);
  return { root, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

// Every path of NodeFileSystem keeps the same contract: in vos's jest process the pure-JavaScript path with
// /proc/self/fd and its fallback without it; in tests/native's child run, the native accelerator.
for (const [path, options] of nodeFsPaths()) {
  describeFileSystemBehaviour(`NodeFileSystem (${path})`, () => {
    const { root, cleanup } = tempRoot();
    return { fs: new NodeFileSystem(root, options), cleanup };
  });
}
