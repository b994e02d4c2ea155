import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { ReadOnlyFileSystem } from '@vos/fs-overlay';
import { describeFileSystemBehaviour } from './suite';
import { SystemClock } from '@vos/clock';

describeFileSystemBehaviour('ReadOnlyFileSystem over NodeFileSystem', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-fs-readonly-'));
  const root = join(tmp, 'root');
  mkdirSync(root);
  return { fs: new ReadOnlyFileSystem(new NodeFileSystem(root)), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
});

describeFileSystemBehaviour('ReadOnlyFileSystem over MemoryFileSystem', () => ({
  fs: new ReadOnlyFileSystem(new MemoryFileSystem({ clock: new SystemClock() })),
}));
