import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { FaultyFileSystem } from '@vos/fs-overlay';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';
import { SystemClock } from '@vos/clock';

// With an empty plan a FaultyFileSystem must be indistinguishable from the backend it wraps.
describeFileSystemBehaviour('FaultyFileSystem (empty plan) over NodeFileSystem', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-fs-faulty-'));
  const root = join(tmp, 'root');
  mkdirSync(root);
  return { fs: new FaultyFileSystem(new NodeFileSystem(root), { rules: [] }), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
});

describeFileSystemBehaviour('FaultyFileSystem (empty plan) over MemoryFileSystem', () => ({
  fs: new FaultyFileSystem(new MemoryFileSystem({ clock: new SystemClock() }), { rules: [] }),
}));
