import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { ReadOnlyFileSystem } from '@vos/fs-overlay';
import { describeFileSystemBehaviour, writeTree, type SeedTree } from '@vos/fs-testkit';
import { Errno, type FileSystem, type FsHandle, type Ref } from '@vos/core';
import { SystemClock } from '@vos/clock';

/** The seed hook of a wrapper: fill the inner backend through its own contract, then hand out the read-only view. */
function seeded(inner: FileSystem, tree: SeedTree): ReadOnlyFileSystem {
  const ref: Ref<FsHandle | null> = { value: null };
  if (inner.openRoot(ref) !== Errno.SUCCESS || writeTree(inner, ref.value as FsHandle, tree) !== Errno.SUCCESS) {
    throw new Error('seeding the inner backend failed');
  }
  inner.close(ref.value as FsHandle);
  return new ReadOnlyFileSystem(inner);
}

function hostRoot(): { root: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-fs-readonly-'));
  const root = join(tmp, 'root');
  mkdirSync(root);
  return { root, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

describeFileSystemBehaviour(
  'ReadOnlyFileSystem over NodeFileSystem',
  () => {
    const { root, cleanup } = hostRoot();
    return { fs: new ReadOnlyFileSystem(new NodeFileSystem(root)), cleanup };
  },
  {
    seed: (tree) => {
      const { root, cleanup } = hostRoot();
      return { fs: seeded(new NodeFileSystem(root), tree), cleanup };
    },
  },
);

describeFileSystemBehaviour(
  'ReadOnlyFileSystem over MemoryFileSystem',
  () => ({ fs: new ReadOnlyFileSystem(new MemoryFileSystem({ clock: new SystemClock() })) }),
  { seed: (tree) => ({ fs: seeded(new MemoryFileSystem({ clock: new SystemClock() }), tree) }) },
);
