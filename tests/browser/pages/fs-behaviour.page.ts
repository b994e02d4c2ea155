/**
 * The shared filesystem behaviour suite (@vos/fs-testkit, the one every backend runs under jest) in Chromium: on
 * the in-memory backend and its clone, and the whole suite on `PersistentFileSystem` over IndexedDB and over
 * OPFS (`OpfsStore`). For those, each test gets a persistent filesystem opened from its store (an empty one, or
 * for the read tests one holding the seed tree, which was written through a persistent filesystem, flushed and
 * loaded back); when the test's body is done, its tree is flushed to the store, opened again from the store by a
 * new connection, and must read back equal: every entry, its bytes, link target and times. So a write, rename,
 * truncate or time that the store would lose fails the test that made it.
 */
import { afterEach, beforeEach, describe, expect, runAndReport, test } from '../harness';
import { MemoryFileSystem } from '@vos/fs-memory';
import { SystemClock } from '@vos/clock';
import type { FsHandle, Ref } from '@vos/core';
import { describeFileSystemBehaviour, STANDARD_SEED, writeTree as writeSeed, type SeedTree, type TestApi } from '@vos/fs-testkit';
import { IndexedDbStore, OpfsStore, PersistentFileSystem, readTree, type TreeEntry, type TreeStore } from '@vos/fs-browser';

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

/** `tree`, written through a persistent filesystem into `store`, flushed, and loaded back from the store. */
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

/** A store holding exactly `entries` (or nothing), and a persistent filesystem opened from it. */
async function freshFrom(store: TreeStore, entries: TreeEntry[]): Promise<PersistentFileSystem> {
  await store.clear();
  if (entries.length > 0) await store.save({ added: entries, modified: [], removed: [] });
  return PersistentFileSystem.open(store, { clock });
}

/** A tree as lines (path, kind, content, times), so that a difference reads as the entry that differs. */
function describeTree(entries: TreeEntry[]): string[] {
  return entries.map((e) => {
    const what = e.kind === 'file' ? `file ${e.data.length} bytes, sum ${e.data.reduce((a, b) => (a * 31 + b) >>> 0, 0)}` : e.kind === 'symlink' ? `symlink -> ${e.target}` : 'dir';
    return `${e.path}: ${what}, mtim ${e.mtim}, atim ${e.atim}`;
  });
}

interface StoreKind {
  readonly kind: string;
  /** A new connection to the store `name` (the reload check opens the tree through a second one). */
  readonly open: (name: string) => Promise<TreeStore>;
  readonly close: (store: TreeStore) => void;
}

const KINDS: StoreKind[] = [
  { kind: 'IndexedDB', open: (name) => IndexedDbStore.open(name), close: (s) => (s as IndexedDbStore).close() },
  { kind: 'OPFS', open: (name) => OpfsStore.open(name), close: () => undefined },
];

for (const { kind, open, close } of KINDS) {
  const seeds = new Map<string, TreeEntry[]>();
  for (const tree of SEEDS) seeds.set(signature(tree), await seedThrough(await open(`testkit-${kind}-seed`), tree));
  const workStore = await open(`testkit-${kind}-work`);
  // The filesystems the next test will get (one empty, one per seed), opened ahead: the suite's `make` and
  // `seed` are synchronous, opening a store is not.
  let next: { empty: PersistentFileSystem; seeded: Map<string, PersistentFileSystem> };
  const seedStores = new Map<string, TreeStore>();
  for (const sig of seeds.keys()) seedStores.set(sig, await open(`testkit-${kind}-seeded-${seedStores.size}`));
  const prepare = async (): Promise<void> => {
    const seeded = new Map<string, PersistentFileSystem>();
    for (const [sig, entries] of seeds) seeded.set(sig, await freshFrom(seedStores.get(sig)!, entries));
    next = { empty: await freshFrom(workStore, []), seeded };
  };
  await prepare();
  let current: PersistentFileSystem | null = null;

  /** After the test's body: flush, reopen from the store through a new connection, compare the trees. */
  const reloadCheck = async (): Promise<void> => {
    const p = current;
    current = null;
    if (p === null) return;
    await p.flush();
    const again = await open(p.store.name);
    try {
      const reloaded = await PersistentFileSystem.open(again, { clock });
      const before = describeTree(readTree(p.fs));
      const after = describeTree(readTree(reloaded.fs));
      // Only the lines that differ, so that a failure names the entry.
      expect({ lost: before.filter((l) => !after.includes(l)), gained: after.filter((l) => !before.includes(l)) }).toEqual({ lost: [], gained: [] });
    } finally {
      close(again);
    }
  };
  const checked = Object.assign(
    (name: string, fn: () => void) =>
      test(name, async () => {
        try {
          fn();
          await reloadCheck();
        } finally {
          current = null;
          await prepare();
        }
      }),
    { skip: test.skip },
  );

  describeFileSystemBehaviour(
    `PersistentFileSystem over ${kind} (each test's tree reloaded from the store)`,
    () => {
      current = next.empty;
      return { fs: current.fs };
    },
    {
      api: { ...api, test: checked } as unknown as TestApi,
      seed: (tree: SeedTree) => {
        const p = next.seeded.get(signature(tree));
        if (p === undefined) throw new Error(`no stored copy of the seed tree ${signature(tree).slice(0, 200)}`);
        current = p;
        return { fs: p.fs };
      },
    },
  );
}

runAndReport();
