import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@vos/fs-node';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';

function tempRoot(): { root: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-fs-behaviour-'));
  const root = join(tmp, 'root');
  mkdirSync(root);
  return { root, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

describeFileSystemBehaviour('NodeFileSystem', () => {
  const { root, cleanup } = tempRoot();
  return { fs: new NodeFileSystem(root), cleanup };
});

// The path-based fallback used where /proc/self/fd is missing must keep the same contract.
describeFileSystemBehaviour('NodeFileSystem (fallback without /proc/self/fd)', () => {
  const { root, cleanup } = tempRoot();
  return { fs: new NodeFileSystem(root, { useProcFd: false }), cleanup };
});
