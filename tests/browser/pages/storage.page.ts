/**
 * Browser storage in Chromium: a persistent filesystem over OPFS and over IndexedDB that survives a page reload
 * (this page is loaded twice by the runner: `#write`, then reloaded as `#read`), the write-back diff (additions,
 * replacements, removals, symlinks, empty directories, binary data, times), and zip / tar / File-list import
 * and export, including hostile archives.
 */
import { zipSync } from 'fflate';
import { MemoryFileSystem } from '@vos/fs-memory';
import { SystemClock } from '@vos/clock';
import {
  exportFiles,
  exportTar,
  exportZip,
  importFiles,
  importTar,
  importZip,
  IndexedDbStore,
  OpfsStore,
  opfsAvailable,
  PersistentFileSystem,
  readTree,
  writeTree,
  type TreeEntry,
  type TreeStore,
} from '@vos/fs-browser';
import { describe, expect, runAndReport, test } from '../harness';
import { PROGRAMS, runProgram } from '../lib/run-program';

const FSUTIL = `${PROGRAMS}/fsutil.wasm`;
const phase = location.hash.slice(1) || 'once';
const STORES: Record<string, (name: string) => Promise<TreeStore>> = {
  OPFS: (name) => OpfsStore.open(name),
  IndexedDB: (name) => IndexedDbStore.open(name),
};
const bin = new Uint8Array(256).map((_, i) => 255 - i);
const clock = new SystemClock();

function plain(entries: TreeEntry[]): unknown[] {
  return entries.map((e) => ({ ...e, ...(e.kind === 'file' ? { data: Array.from(e.data) } : {}) }));
}

for (const [kind, open] of Object.entries(STORES)) {
  describe(`${kind} persistence`, () => {
    if (phase === 'write') {
      test('a program writes into a mount that persists, and the host flushes it', async () => {
        const store = await open('reload-test');
        await store.clear();
        const persisted = await PersistentFileSystem.open(store, { clock });
        const r = await runProgram(FSUTIL, [
          'mkdir', '/data/notes', 'write', '/data/notes/a.txt', `written before the reload (${kind})`,
          'symlink', 'notes/a.txt', '/data/link', 'mkdir', '/data/empty', 'write', '/data/gone.txt', 'x',
          'rm', '/data/gone.txt',
        ], { '/data': persisted.fs });
        expect(r.exitCode).toBe(0);
        const diff = await persisted.flush();
        expect(diff.added.map((e) => e.path).sort()).toEqual(['empty', 'link', 'notes', 'notes/a.txt']);
      });
    } else if (phase === 'read') {
      test('after a reload, a program reads back what was written before it', async () => {
        const persisted = await PersistentFileSystem.open(await open('reload-test'), { clock });
        const r = await runProgram(FSUTIL, ['cat', '/data/notes/a.txt', 'ls', '/data', 'readlink', '/data/link', 'cat', '/data/link'], {
          '/data': persisted.fs,
        });
        expect(r.stdout).toBe(
          `written before the reload (${kind})\nls /data: empty link notes\nreadlink /data/link: notes/a.txt\n` +
            `written before the reload (${kind})\n`,
        );
        expect(r.exitCode).toBe(0);
      });
    } else {
      test('a flushed tree reopens identical: files, binary data, symlinks, empty dirs, ns times', async () => {
        const store = await open('roundtrip');
        await store.clear();
        const a = await PersistentFileSystem.open(store, { clock });
        writeTree(a.fs, [
          { path: 'd', kind: 'dir', mtim: 1_000_000_123n, atim: 2_000_000_456n },
          { path: 'd/bin', kind: 'file', data: bin, mtim: 3n, atim: 4n },
          { path: 'd/deep', kind: 'dir', mtim: 5n, atim: 6n },
          { path: 'd/deep/x.txt', kind: 'file', data: new TextEncoder().encode('x'), mtim: 7n, atim: 8n },
          { path: 'empty', kind: 'dir', mtim: 9n, atim: 10n },
          { path: 'ln', kind: 'symlink', target: 'd/../d/bin', mtim: 11n, atim: 12n },
          { path: 'zero', kind: 'file', data: new Uint8Array(0), mtim: 13n, atim: 14n },
        ]);
        await a.flush();
        const b = await PersistentFileSystem.open(await open('roundtrip'), { clock });
        expect(plain(readTree(b.fs))).toEqual(plain(readTree(a.fs)));
      });

      test('a second flush writes only the difference: replaced kinds, removals, renames', async () => {
        const store = await open('diff');
        await store.clear();
        const a = await PersistentFileSystem.open(store, { clock });
        await runProgram(FSUTIL, ['mkdir', '/m/dir', 'write', '/m/dir/f', 'one', 'write', '/m/file', 'two', 'write', '/m/keep', 'k'], { '/m': a.fs });
        await a.flush();
        await runProgram(FSUTIL, ['rm', '/m/dir/f', 'rmdir', '/m/dir', 'write', '/m/dir', 'now a file', 'rm', '/m/file', 'mkdir', '/m/file', 'mv', '/m/keep', '/m/kept'], { '/m': a.fs });
        const diff = await a.flush();
        expect(diff.removed.map((e) => e.path).sort()).toEqual(['dir/f', 'keep']);
        expect(diff.added.map((e) => e.path).sort()).toEqual(['kept']);
        expect(diff.modified.map((e) => `${e.path}:${e.kind}`).sort()).toEqual(['dir:file', 'file:dir']);
        const b = await PersistentFileSystem.open(await open('diff'), { clock });
        const r = await runProgram(FSUTIL, ['cat', '/m/dir', 'ls', '/m', 'ls', '/m/file'], { '/m': b.fs });
        expect(r.stdout).toBe('now a file\nls /m: dir file kept\nls /m/file:\n');
      });
    }
  });
}

if (phase === 'once') {
  describe('storage choice', () => {
    test('this Chromium page has OPFS (secure context)', async () => {
      expect(await opfsAvailable()).toBe(true);
    });
  });

  describe('zip, tar and File-list import/export', () => {
    test('a tree survives export to tar and import in the page (ns times kept), and a guest reads it', async () => {
      const src = MemoryFileSystem.fromObject({ a: { b: { 'c.txt': 'deep' }, empty: {} }, 'bin.dat': bin, ln: { symlink: 'a/b/c.txt' }, ['n'.repeat(150)]: 'long name' }, { clock });
      const tar = await exportTar(src);
      const dst = new MemoryFileSystem({ clock });
      await importTar(dst, tar);
      const shape = (fs: MemoryFileSystem) => readTree(fs).map((e) => `${e.kind} ${e.path}${e.kind === 'symlink' ? ` -> ${e.target}` : ''}${e.kind === 'file' ? ` ${e.data.join(',')}` : ''} ${e.mtim}`);
      expect(shape(dst)).toEqual(shape(src));
      const r = await runProgram(FSUTIL, ['cat', '/in/ln'], { '/in': dst });
      expect(r.stdout).toBe('deep');
      const hostile = await importTar(new MemoryFileSystem({ clock }), await exportTar(MemoryFileSystem.fromObject({ up: { symlink: '../../etc' } }, { clock }))).then(
        () => 'imported',
        (e: Error) => e.message,
      );
      expect(hostile).toMatch(/points outside the tree/);
    });

    test('a tree survives export to zip and import into another filesystem', () => {
      const src = MemoryFileSystem.fromObject({ a: { b: { 'c.txt': 'deep' }, empty: {} }, 'bin.dat': bin, ln: { symlink: 'a/b/c.txt' } }, { clock });
      const zip = exportZip(src);
      expect(Array.from(zip.subarray(0, 4))).toEqual([0x50, 0x4b, 0x03, 0x04]);
      const dst = new MemoryFileSystem({ clock });
      importZip(dst, zip);
      const shape = (fs: MemoryFileSystem) => readTree(fs).map((e) => `${e.kind} ${e.path}${e.kind === 'symlink' ? ` -> ${e.target}` : ''}${e.kind === 'file' ? ` ${e.data.length}` : ''}`);
      expect(shape(dst)).toEqual(shape(src));
      expect(dst.toObject({ text: true })).toEqual(src.toObject({ text: true }));
    });

    test('an archive with a path that leaves the tree is refused before anything is written', () => {
      for (const name of ['../evil.txt', 'a/../../evil.txt', '/abs.txt', 'a//b']) {
        const fs = new MemoryFileSystem({ clock });
        expect(() => importZip(fs, zipSync({ 'ok.txt': new Uint8Array(1), [name]: new Uint8Array(1) }))).toThrow(/path/);
        expect(readTree(fs)).toEqual([]);
      }
    });

    test('a zip bomb stops at the byte limit', () => {
      const zip = zipSync({ big: new Uint8Array(8 << 20) }, { level: 9 });
      expect(zip.length).toBeLessThan(100_000);
      expect(() => importZip(new MemoryFileSystem({ clock }), zip, { maxBytes: 1 << 20 })).toThrow(/bytes uncompressed/);
    });

    test('files with relative paths (a dropped folder) import under their paths and export back as Files', async () => {
      const fs = new MemoryFileSystem({ clock });
      await importFiles(fs, [
        { path: 'proj/src/main.c', blob: new Blob(['int main(){}']) },
        { path: 'proj/README', blob: new Blob(['read me']) },
        new File(['plain'], 'top.txt'),
      ]);
      const r = await runProgram(FSUTIL, ['ls', '/in/proj', 'cat', '/in/proj/src/main.c'], { '/in': fs });
      expect(r.stdout).toBe('ls /in/proj: README src\nint main(){}');
      const files = exportFiles(fs);
      expect(files.map((f) => f.name).sort()).toEqual(['proj/README', 'proj/src/main.c', 'top.txt']);
      expect(await files.find((f) => f.name === 'top.txt')!.text()).toBe('plain');
      const refused = await importFiles(fs, [{ path: '../x', blob: new Blob(['']) }]).then(() => 'imported', (e: Error) => e.message);
      expect(refused).toMatch(/bad path/);
    });
  });
}

runAndReport();
