import * as nodefs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno, Filetype, newFileStat, OpenFlags, type DirEntry, type FileSystem, type FsHandle, type Ref } from '@vos/core';
import { NodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { OverlayFileSystem } from './overlay-file-system';
import { SystemClock } from '@vos/clock';

const { READ, WRITE, CREATE, TRUNC, DIRECTORY, APPEND } = OpenFlags;
const enc = new TextEncoder();
const dec = new TextDecoder();
const T = 1_500_000_000_000_000_000n; // a µs-exact time, storable by every backend

/** Everything about a host tree that a change could touch: kinds, contents, link targets, mtimes, inodes. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const name of nodefs.readdirSync(join(dir, rel)).sort()) {
      const p = rel === '' ? name : `${rel}/${name}`;
      const st = nodefs.lstatSync(join(dir, p), { bigint: true });
      const what = st.isSymbolicLink() ? `-> ${nodefs.readlinkSync(join(dir, p))}` : st.isDirectory() ? 'dir' : nodefs.readFileSync(join(dir, p), 'utf8');
      out.push(`${p} ${what} ino=${st.ino} nlink=${st.nlink} mtime=${st.mtimeNs}`);
      if (st.isDirectory()) visit(p);
    }
  };
  visit('');
  return out;
}

describe.each([
  ['memory upper', () => new MemoryFileSystem({ clock: new SystemClock() }) as FileSystem],
  ['node upper', (upperDir: string) => new NodeFileSystem(upperDir) as FileSystem],
])('OverlayFileSystem over a host lower, %s', (_label, makeUpper) => {
  let tmp: string;
  let lowerDir: string;
  let before: string[];
  let fs: OverlayFileSystem;
  let root: FsHandle;
  const opened: FsHandle[] = [];

  beforeEach(() => {
    tmp = nodefs.mkdtempSync(join(tmpdir(), 'vos-overlay-unit-'));
    lowerDir = join(tmp, 'lower');
    const upperDir = join(tmp, 'upper');
    nodefs.mkdirSync(upperDir);
    nodefs.mkdirSync(join(lowerDir, 'dir/sub'), { recursive: true });
    nodefs.writeFileSync(join(lowerDir, 'a.txt'), 'lower a');
    nodefs.writeFileSync(join(lowerDir, 'dir/b.txt'), 'lower b');
    nodefs.writeFileSync(join(lowerDir, 'dir/sub/c.txt'), 'lower c');
    nodefs.symlinkSync('a.txt', join(lowerDir, 'link'));
    nodefs.linkSync(join(lowerDir, 'a.txt'), join(lowerDir, 'hard.txt'));
    for (const p of ['a.txt', 'dir/b.txt', 'dir/sub/c.txt', 'dir/sub', 'dir']) nodefs.utimesSync(join(lowerDir, p), 1_000_000, 1_000_000);
    before = snapshot(lowerDir);
    fs = new OverlayFileSystem(new NodeFileSystem(lowerDir), makeUpper(upperDir));
    const ref: Ref<FsHandle | null> = { value: null };
    expect(fs.openRoot(ref)).toBe(Errno.SUCCESS);
    root = ref.value as FsHandle;
  });
  afterEach(() => {
    for (const h of opened.splice(0)) fs.close(h);
    fs.close(root);
    // The lower layer is never modified, whatever the test did.
    expect(snapshot(lowerDir)).toEqual(before);
    nodefs.rmSync(tmp, { recursive: true, force: true });
  });

  function open(dir: FsHandle, name: string, flags: number): FsHandle {
    const ref: Ref<FsHandle | null> = { value: null };
    expect(fs.openAt(dir, name, flags, ref)).toBe(Errno.SUCCESS);
    opened.push(ref.value as FsHandle);
    return ref.value as FsHandle;
  }
  function openDir(path: string): FsHandle {
    let h = root;
    for (const n of path.split('/')) h = open(h, n, READ | DIRECTORY);
    return h;
  }
  function read(h: FsHandle): string {
    const buf = new Uint8Array(256);
    const n = fs.read(h, buf, 0, buf.length, 0);
    expect(n).toBeGreaterThanOrEqual(0);
    return dec.decode(buf.subarray(0, n));
  }
  function readFile(dir: FsHandle, name: string): string {
    return read(open(dir, name, READ));
  }
  function write(h: FsHandle, text: string, position = 0): void {
    expect(fs.write(h, enc.encode(text), 0, text.length, position)).toBe(text.length);
  }
  function names(dir: FsHandle): string[] {
    const out: DirEntry[] = [];
    expect(fs.readdir(dir, out)).toBe(Errno.SUCCESS);
    return out.map((e) => e.name).sort();
  }
  function stat(dir: FsHandle, name: string) {
    const st = newFileStat();
    expect(fs.statAt(dir, name, st)).toBe(Errno.SUCCESS);
    return st;
  }

  test('reads fall through to the lower layer', () => {
    expect(readFile(root, 'a.txt')).toBe('lower a');
    expect(readFile(openDir('dir/sub'), 'c.txt')).toBe('lower c');
    expect(names(root)).toEqual(['a.txt', 'dir', 'hard.txt', 'link']);
    expect(stat(root, 'link').filetype).toBe(Filetype.SYMBOLIC_LINK);
    expect(fs.changes()).toEqual({ created: [], modified: [], deleted: [] });
  });

  test('the first write copies up data and times; the lower stays', () => {
    const h = open(root, 'a.txt', READ | WRITE);
    expect(stat(root, 'a.txt').mtim).toBe(1_000_000_000_000_000n); // copy-up kept the lower's times
    write(h, 'UPPER');
    expect(readFile(root, 'a.txt')).toBe('UPPER a');
    expect(fs.changes()).toEqual({ created: [], modified: ['a.txt'], deleted: [] });
  });

  test('TRUNC and APPEND on a lower file', () => {
    open(root, 'a.txt', WRITE | TRUNC);
    expect(stat(root, 'a.txt').size).toBe(0n);
    const h = open(openDir('dir'), 'b.txt', WRITE | APPEND);
    write(h, '!', -1);
    expect(readFile(openDir('dir'), 'b.txt')).toBe('lower b!');
  });

  test('a copy-up of a deep file creates its parents in the upper with their lower times', () => {
    const sub = openDir('dir/sub');
    write(open(sub, 'c.txt', WRITE), 'C');
    expect(stat(openDir('dir'), 'sub').mtim).toBe(1_000_000_000_000_000n);
    expect(stat(root, 'dir').mtim).toBe(1_000_000_000_000_000n);
    expect(names(openDir('dir'))).toEqual(['b.txt', 'sub']);
  });

  test('setTimesAt copies up (files, directories and symlinks, not following)', () => {
    expect(fs.setTimesAt(root, 'a.txt', T, T)).toBe(Errno.SUCCESS);
    expect(stat(root, 'a.txt').mtim).toBe(T);
    expect(fs.setTimesAt(root, 'link', T, T)).toBe(Errno.SUCCESS);
    expect(stat(root, 'link').mtim).toBe(T);
    const target: Ref<string> = { value: '' };
    expect(fs.readlinkAt(root, 'link', target)).toBe(Errno.SUCCESS);
    expect(target.value).toBe('a.txt');
    expect(fs.setTimesAt(root, 'dir', T, T)).toBe(Errno.SUCCESS);
    expect(stat(root, 'dir').mtim).toBe(T);
    expect(names(openDir('dir'))).toEqual(['b.txt', 'sub']);
    expect(fs.setTimes(open(root, 'hard.txt', READ), null, T)).toBe(Errno.SUCCESS);
    expect(stat(root, 'hard.txt').mtim).toBe(T);
  });

  test('unlink leaves a whiteout; re-creating the name gives a new file', () => {
    expect(fs.unlinkAt(root, 'a.txt')).toBe(Errno.SUCCESS);
    expect(fs.statAt(root, 'a.txt', newFileStat())).toBe(Errno.NOENT);
    expect(names(root)).toEqual(['dir', 'hard.txt', 'link']);
    expect(fs.unlinkAt(root, 'link')).toBe(Errno.SUCCESS);
    write(open(root, 'a.txt', WRITE | CREATE), 'new');
    expect(readFile(root, 'a.txt')).toBe('new');
    expect(fs.changes()).toEqual({ created: [], modified: ['a.txt'], deleted: ['link'] });
  });

  test('an open lower file stays readable after unlink', () => {
    const h = open(root, 'a.txt', READ);
    expect(fs.unlinkAt(root, 'a.txt')).toBe(Errno.SUCCESS);
    expect(read(h)).toBe('lower a');
  });

  test('rmdir of a merged directory needs it empty in the merged view; re-created it is opaque', () => {
    expect(fs.rmdirAt(root, 'dir')).toBe(Errno.NOTEMPTY);
    const sub = openDir('dir/sub');
    expect(fs.unlinkAt(sub, 'c.txt')).toBe(Errno.SUCCESS);
    expect(names(sub)).toEqual([]);
    expect(fs.rmdirAt(openDir('dir'), 'sub')).toBe(Errno.SUCCESS);
    expect(fs.unlinkAt(openDir('dir'), 'b.txt')).toBe(Errno.SUCCESS);
    expect(fs.rmdirAt(root, 'dir')).toBe(Errno.SUCCESS);
    expect(fs.statAt(root, 'dir', newFileStat())).toBe(Errno.NOENT);
    expect(fs.mkdirAt(root, 'dir')).toBe(Errno.SUCCESS);
    expect(names(openDir('dir'))).toEqual([]); // opaque: the lower's b.txt and sub stay hidden
    expect(fs.changes()).toEqual({ created: ['dir'], modified: [], deleted: ['dir'] });
  });

  test('readdir merges both layers without duplicates or whited-out names', () => {
    const d = openDir('dir');
    write(open(d, 'b.txt', WRITE), 'B'); // now in both layers
    write(open(d, 'new.txt', WRITE | CREATE), 'N');
    expect(fs.unlinkAt(openDir('dir/sub'), 'c.txt')).toBe(Errno.SUCCESS);
    expect(names(d)).toEqual(['b.txt', 'new.txt', 'sub']);
    expect(names(openDir('dir/sub'))).toEqual([]);
    const out: DirEntry[] = [];
    expect(fs.readdir(d, out)).toBe(Errno.SUCCESS);
    for (const e of out) expect(e.ino).toBe(stat(d, e.name).ino);
    expect(fs.changes()).toEqual({ created: ['dir/new.txt'], modified: ['dir/b.txt'], deleted: ['dir/sub/c.txt'] });
  });

  test('rename of a lower file copies it up and whites out the old name', () => {
    expect(fs.renameAt(root, 'a.txt', openDir('dir'), 'moved.txt')).toBe(Errno.SUCCESS);
    expect(fs.statAt(root, 'a.txt', newFileStat())).toBe(Errno.NOENT);
    expect(readFile(openDir('dir'), 'moved.txt')).toBe('lower a');
    expect(fs.renameAt(openDir('dir'), 'moved.txt', openDir('dir'), 'b.txt')).toBe(Errno.SUCCESS);
    expect(readFile(openDir('dir'), 'b.txt')).toBe('lower a');
    expect(names(openDir('dir'))).toEqual(['b.txt', 'sub']);
    expect(fs.changes()).toEqual({ created: [], modified: ['dir/b.txt'], deleted: ['a.txt'] });
  });

  test('rename of a whole lower directory copies the subtree; the result is opaque', () => {
    expect(fs.renameAt(root, 'dir', root, 'dir2')).toBe(Errno.SUCCESS);
    expect(fs.statAt(root, 'dir', newFileStat())).toBe(Errno.NOENT);
    expect(names(openDir('dir2'))).toEqual(['b.txt', 'sub']);
    expect(readFile(openDir('dir2/sub'), 'c.txt')).toBe('lower c');
    expect(fs.mkdirAt(root, 'dir')).toBe(Errno.SUCCESS);
    expect(names(openDir('dir'))).toEqual([]);
    expect(fs.renameAt(root, 'dir2', openDir('dir2/sub'), 'x')).toBe(Errno.INVAL);
    expect(fs.changes()).toEqual({
      created: ['dir', 'dir2', 'dir2/b.txt', 'dir2/sub', 'dir2/sub/c.txt'],
      modified: [],
      deleted: ['dir'],
    });
  });

  test('an open handle on a moved directory follows it', () => {
    const d = openDir('dir');
    expect(fs.renameAt(root, 'dir', root, 'moved')).toBe(Errno.SUCCESS);
    expect(readFile(d, 'b.txt')).toBe('lower b');
    write(open(d, 'n', WRITE | CREATE), 'x');
    expect(names(openDir('moved'))).toEqual(['b.txt', 'n', 'sub']);
  });

  test('rename errnos come from the merged view', () => {
    expect(fs.renameAt(root, 'a.txt', root, 'dir')).toBe(Errno.ISDIR);
    expect(fs.renameAt(root, 'dir', root, 'a.txt')).toBe(Errno.NOTDIR);
    expect(fs.mkdirAt(root, 'empty')).toBe(Errno.SUCCESS);
    expect(fs.renameAt(root, 'empty', root, 'dir')).toBe(Errno.NOTEMPTY);
    expect(fs.renameAt(root, 'missing', root, 'x')).toBe(Errno.NOENT);
  });

  test('an fd opened on the lower file sees the copy-up made through another handle', () => {
    const reader = open(root, 'a.txt', READ);
    expect(read(reader)).toBe('lower a');
    write(open(root, 'a.txt', WRITE), 'LATER');
    expect(read(reader)).toBe('LATER a');
    const st = newFileStat();
    expect(fs.stat(reader, st)).toBe(Errno.SUCCESS);
    expect(st.ino).toBe(stat(root, 'a.txt').ino);
  });

  test('an fd sees a copy-up made through a path (setTimesAt) and then writes through its own copy-up', () => {
    const reader = open(root, 'a.txt', READ);
    expect(fs.setTimesAt(root, 'a.txt', T, T)).toBe(Errno.SUCCESS);
    write(open(root, 'a.txt', WRITE), 'X');
    expect(read(reader)).toBe('Xower a');
  });

  test('hard links: lower links share an ino until a copy-up breaks them; guest links are real', () => {
    expect(stat(root, 'hard.txt').ino).toBe(stat(root, 'a.txt').ino);
    expect(stat(root, 'a.txt').nlink).toBe(2n);
    write(open(root, 'a.txt', WRITE), 'CHANGED');
    expect(readFile(root, 'hard.txt')).toBe('lower a'); // broken, as overlayfs without index
    expect(stat(root, 'hard.txt').ino).not.toBe(stat(root, 'a.txt').ino);
    expect(fs.linkAt(root, 'a.txt', openDir('dir'), 'again')).toBe(Errno.SUCCESS);
    expect(stat(openDir('dir'), 'again').ino).toBe(stat(root, 'a.txt').ino);
    expect(stat(root, 'a.txt').nlink).toBe(2n);
    write(open(root, 'a.txt', WRITE), 'both');
    expect(readFile(openDir('dir'), 'again')).toBe('bothGED');
    expect(fs.linkAt(root, 'dir', root, 'x')).toBe(Errno.PERM);
    expect(fs.linkAt(root, 'link', root, 'a.txt')).toBe(Errno.EXIST);
  });

  test('symlinks copy up as symlinks, unfollowed, on link and rename', () => {
    expect(fs.renameAt(root, 'link', openDir('dir'), 'l2')).toBe(Errno.SUCCESS);
    const target: Ref<string> = { value: '' };
    expect(fs.readlinkAt(openDir('dir'), 'l2', target)).toBe(Errno.SUCCESS);
    expect(target.value).toBe('a.txt');
    expect(stat(openDir('dir'), 'l2').filetype).toBe(Filetype.SYMBOLIC_LINK);
    expect(fs.changes()).toEqual({ created: ['dir/l2'], modified: [], deleted: ['link'] });
  });

  test('inode numbers are stable across lookups and copy-up; one dev', () => {
    const ino = stat(root, 'dir').ino;
    const fileIno = stat(openDir('dir'), 'b.txt').ino;
    write(open(openDir('dir'), 'b.txt', WRITE), 'x');
    expect(stat(root, 'dir').ino).toBe(ino);
    expect(stat(openDir('dir'), 'b.txt').ino).toBe(fileIno);
    expect(stat(root, 'dir').dev).toBe(stat(root, 'a.txt').dev);
  });

  test('open errnos on the merged view', () => {
    const ref: Ref<FsHandle | null> = { value: null };
    expect(fs.openAt(root, 'link', READ, ref)).toBe(Errno.LOOP);
    expect(fs.openAt(root, 'dir', WRITE, ref)).toBe(Errno.ISDIR);
    expect(fs.openAt(root, 'a.txt', READ | DIRECTORY, ref)).toBe(Errno.NOTDIR);
    expect(fs.openAt(root, 'a.txt', WRITE | CREATE | OpenFlags.EXCL, ref)).toBe(Errno.EXIST);
    expect(fs.mkdirAt(root, 'a.txt')).toBe(Errno.EXIST);
    expect(fs.symlinkAt('x', root, 'dir')).toBe(Errno.EXIST);
    expect(fs.unlinkAt(root, 'dir')).toBe(Errno.ISDIR);
    expect(fs.rmdirAt(root, 'a.txt')).toBe(Errno.NOTDIR);
  });
});
