/**
 * The shared filesystem behaviour suite (@vos/fs-testkit, the one every backend runs under jest) in Chromium: on
 * the in-memory backend and its clone, and, for the persistent filesystems, with its seeded read tests run on
 * content that went through OPFS and through IndexedDB (the standard seed is written, flushed to the store, and
 * loaded back from it before the suite starts).
 */
import { afterEach, beforeEach, describe, expect, runAndReport, test } from '../harness';
import { MemoryFileSystem } from '@vos/fs-memory';
import { SystemClock } from '@vos/clock';
import type { FsHandle, Ref } from '@vos/core';
import { describeFileSystemBehaviour, STANDARD_SEED, writeTree as writeSeed, type SeedTree, type TestApi } from '@vos/fs-testkit';
import { IndexedDbStore, OpfsStore, PersistentFileSystem, writeTree, type TreeEntry, type TreeStore } from '@vos/fs-browser';

const api = { describe, test, expect, beforeEach, afterEach } as unknown as TestApi;
const clock = new SystemClock();

describeFileSystemBehaviour('MemoryFileSystem', () => ({ fs: new MemoryFileSystem({ clock }) }), { api });
describeFileSystemBehaviour('MemoryFileSystem (clone)', () => ({ fs: new MemoryFileSystem({ clock }).clone() }), { api });

/** A seed tree's identity by content (bytes included), to find its stored copy. */
function signature(tree: SeedTree): string {
  return JSON.stringify(tree, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
}

// The trees the suite seeds: the standard one, with the symlink it adds for backends that have symlinks.
const SEEDS: SeedTree[] = [STANDARD_SEED, { ...STANDARD_SEED, link: { symlink: 'hello.txt' } }];

/** `tree`, written through a persistent filesystem into `store`, then loaded back from the store. */
async function seedThrough(store: TreeStore, tree: SeedTree): Promise<TreeEntry[]> {
  await store.clear();
  const p = await PersistentFileSystem.open(store, { clock });
  const ref: Ref<FsHandle | null> = { value: null };
  p.fs.openRoot(ref);
  const errno = writeSeed(p.fs, ref.value as FsHandle, tree);
  p.fs.close(ref.value as FsHandle);
  if (errno !== 0) throw new Error(`seeding failed: errno ${errno}`);
  await p.flush();
  return store.load();
}

for (const [kind, open] of [
  ['OPFS', () => OpfsStore.open('testkit-seed')],
  ['IndexedDB', () => IndexedDbStore.open('testkit-seed')],
] as const) {
  const stored = new Map<string, TreeEntry[]>();
  for (const tree of SEEDS) stored.set(signature(tree), await seedThrough(await open(), tree));
  describeFileSystemBehaviour(
    `PersistentFileSystem over ${kind}`,
    () => ({ fs: new MemoryFileSystem({ clock }) }),
    {
      api,
      seed: (tree: SeedTree) => {
        const entries = stored.get(signature(tree));
        if (entries === undefined) throw new Error(`no stored copy of the seed tree ${signature(tree).slice(0, 200)}`);
        const fs = new MemoryFileSystem({ clock });
        writeTree(fs, entries);
        return { fs };
      },
    },
  );
}

runAndReport();
