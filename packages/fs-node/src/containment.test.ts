// Containment at the provider level: host symlinks planted inside the root and pointing outside it must never
// let a provider call read, create, change or remove anything outside. Each test compares a snapshot of
// `outside/` (names, kinds, contents, link targets, inodes, link counts, times) taken before and after.
import * as hostFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno, errnoName } from '../../core/src/abi/errno';
import { Filetype } from '../../core/src/abi/constants';
import { DECLINED, newFileStat, OpenFlags, type DirEntry, type FsHandle, type Ref } from '../../core/src/providers/fs';
import { NodeFileSystem } from './index';
import { nodeFsPaths } from '../../../tests/helpers/fs-node-paths';

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;

function expectErrno(actual: number, expected: number): void {
  expect(errnoName(actual)).toBe(errnoName(expected));
}

/**
 * Everything observable about a host tree, keyed by relative path. Contents and listings are read before the
 * lstat, so the snapshot's own reads (which may update atime under relatime) are already in what it records.
 */
function snapshot(dir: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const visit = (rel: string) => {
    const path = rel === '' ? dir : join(dir, rel);
    const kind = hostFs.lstatSync(path);
    const entry: Record<string, unknown> = {};
    let children: string[] = [];
    if (kind.isSymbolicLink()) entry.target = hostFs.readlinkSync(path);
    if (kind.isFile()) entry.content = hostFs.readFileSync(path, 'utf8');
    if (kind.isDirectory()) children = hostFs.readdirSync(path).sort();
    const st = hostFs.lstatSync(path, { bigint: true });
    Object.assign(entry, {
      mode: st.mode,
      ino: st.ino,
      nlink: st.nlink,
      size: st.size,
      atim: st.atimeNs,
      mtim: st.mtimeNs,
      ctim: st.ctimeNs,
    });
    result[rel || '.'] = entry;
    for (const name of children) visit(rel ? join(rel, name) : name);
  };
  visit('');
  return result;
}

const ALL_OPEN_FLAGS = [
  READ,
  READ | DIRECTORY,
  WRITE,
  READ | WRITE,
  WRITE | TRUNC,
  WRITE | APPEND,
  WRITE | CREATE,
  WRITE | CREATE | TRUNC,
  WRITE | CREATE | EXCL,
];

describe.each(nodeFsPaths())('containment (%s)', (mode, options) => {
  let tmp: string;
  let hostRoot: string;
  let outside: string;
  let fs: NodeFileSystem;
  let root: FsHandle;
  let before: Record<string, unknown>;
  const handles: FsHandle[] = [];

  /** Planted links: name in root -> target. All of them lead outside the root (or would if followed). */
  let links: Record<string, string>;

  beforeEach(() => {
    tmp = hostFs.mkdtempSync(join(tmpdir(), 'vos-containment-'));
    hostRoot = join(tmp, 'root');
    outside = join(tmp, 'outside');
    hostFs.mkdirSync(join(outside, 'dir', 'deeper'), { recursive: true });
    hostFs.writeFileSync(join(outside, 'secret.txt'), 'secret');
    hostFs.writeFileSync(join(outside, 'dir', 'inner.txt'), 'inner');
    hostFs.mkdirSync(join(hostRoot, 'sub'), { recursive: true });
    hostFs.writeFileSync(join(hostRoot, 'own.txt'), 'own');
    links = {
      abs: outside,
      rel: '../outside',
      absfile: join(outside, 'secret.txt'),
      relfile: '../outside/secret.txt',
      reldir: '../outside/dir',
      chain1: 'chain2',
      chain2: '../outside',
      chainfile: 'relfile',
      dangling: '../outside/new-file',
      danglingdir: '../outside/new-dir',
      'sub/up': '../../outside',
      'sub/upfile': '../../outside/secret.txt',
    };
    for (const [name, target] of Object.entries(links)) hostFs.symlinkSync(target, join(hostRoot, name));
    // Backdate everything outside, so that any write or creation there shows as a changed mtime.
    for (const rel of ['secret.txt', 'dir/inner.txt', 'dir/deeper', 'dir', '.']) {
      hostFs.utimesSync(join(outside, rel), 1_000_000, 1_000_000);
    }
    fs = new NodeFileSystem(hostRoot, options);
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openRoot(out), Errno.SUCCESS);
    root = out.value as FsHandle;
    before = snapshot(outside);
  });

  afterEach(() => {
    for (const h of handles.splice(0)) fs.close(h);
    fs.close(root);
    hostFs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Handle on root/sub (where the `sub/...` links live). */
  function sub(): FsHandle {
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openAt(root, 'sub', READ | DIRECTORY, out), Errno.SUCCESS);
    handles.push(out.value as FsHandle);
    return out.value as FsHandle;
  }
  /** [directory handle, name] for every planted link. */
  function plantedLinks(): [FsHandle, string, string][] {
    const s = sub();
    return Object.keys(links).map((key) =>
      key.startsWith('sub/') ? [s, key.slice(4), key] : [root, key, key],
    );
  }
  function expectOutsideUntouched(): void {
    expect(snapshot(outside)).toEqual(before);
  }

  test('openAt never opens through a planted link, with any flags', () => {
    for (const [dir, name] of plantedLinks()) {
      for (const flags of ALL_OPEN_FLAGS) {
        const out: Ref<FsHandle | null> = { value: null };
        const errno = fs.openAt(dir, name, flags, out);
        expectErrno(errno, flags & CREATE && flags & EXCL ? Errno.EXIST : Errno.LOOP);
      }
    }
    expectOutsideUntouched();
  });

  test('statAt describes the link itself', () => {
    const st = newFileStat();
    for (const [dir, name, key] of plantedLinks()) {
      expectErrno(fs.statAt(dir, name, st), Errno.SUCCESS);
      expect(st.filetype).toBe(Filetype.SYMBOLIC_LINK);
      expect(st.ino).toBe(hostFs.lstatSync(join(hostRoot, key), { bigint: true }).ino);
      expect(st.size).toBe(BigInt(Buffer.byteLength(links[key])));
    }
    expectOutsideUntouched();
  });

  test('readlinkAt returns the text only', () => {
    const out: Ref<string> = { value: '' };
    for (const [dir, name, key] of plantedLinks()) {
      expectErrno(fs.readlinkAt(dir, name, out), Errno.SUCCESS);
      expect(out.value).toBe(links[key]);
    }
    expectOutsideUntouched();
  });

  test('readdir lists links as links', () => {
    const out: DirEntry[] = [];
    expectErrno(fs.readdir(root, out), Errno.SUCCESS);
    for (const e of out) {
      if (e.name in links) expect(e.filetype).toBe(Filetype.SYMBOLIC_LINK);
    }
    expectOutsideUntouched();
  });

  test('mkdirAt and symlinkAt over a link (dangling or not) are EEXIST', () => {
    for (const [dir, name] of plantedLinks()) {
      expectErrno(fs.mkdirAt(dir, name), Errno.EXIST);
      expectErrno(fs.symlinkAt('x', dir, name), Errno.EXIST);
    }
    expect(hostFs.existsSync(join(outside, 'new-dir'))).toBe(false);
    expectOutsideUntouched();
  });

  test('rmdirAt on a link is ENOTDIR; unlinkAt removes only the link', () => {
    for (const [dir, name] of plantedLinks()) expectErrno(fs.rmdirAt(dir, name), Errno.NOTDIR);
    for (const [dir, name, key] of plantedLinks()) {
      expectErrno(fs.unlinkAt(dir, name), Errno.SUCCESS);
      expect(hostFs.existsSync(join(hostRoot, key))).toBe(false);
    }
    expectOutsideUntouched();
  });

  test('renameAt moves or replaces links, never their targets', () => {
    const s = sub();
    expectErrno(fs.renameAt(root, 'relfile', root, 'renamed'), Errno.SUCCESS);
    expect(hostFs.readlinkSync(join(hostRoot, 'renamed'))).toBe('../outside/secret.txt');
    // A file over a link to a file, and over a link to a directory: the link is replaced.
    expectErrno(fs.renameAt(root, 'own.txt', root, 'absfile'), Errno.SUCCESS);
    expect(hostFs.lstatSync(join(hostRoot, 'absfile')).isFile()).toBe(true);
    hostFs.writeFileSync(join(hostRoot, 'f2'), 'f2');
    expectErrno(fs.renameAt(root, 'f2', s, 'up'), Errno.SUCCESS);
    expect(hostFs.readFileSync(join(hostRoot, 'sub', 'up'), 'utf8')).toBe('f2');
    // A directory over a link is ENOTDIR (the link is not a directory), and the target is not involved.
    hostFs.mkdirSync(join(hostRoot, 'd'));
    expectErrno(fs.renameAt(root, 'd', root, 'rel'), Errno.NOTDIR);
    expectErrno(fs.renameAt(root, 'd', root, 'dangling'), Errno.NOTDIR);
    // A link moved into a subdirectory stays a link with the same text.
    expectErrno(fs.renameAt(root, 'abs', s, 'abs-moved'), Errno.SUCCESS);
    expect(hostFs.readlinkSync(join(hostRoot, 'sub', 'abs-moved'))).toBe(outside);
    expectOutsideUntouched();
  });

  test('linkAt hard-links the link itself, never its target; a link as new name is EEXIST', () => {
    for (const [dir, name, key] of plantedLinks()) {
      const copy = `hard-${key.replace('/', '-')}`;
      expectErrno(fs.linkAt(dir, name, root, copy), Errno.SUCCESS);
      expect(hostFs.lstatSync(join(hostRoot, copy)).isSymbolicLink()).toBe(true);
      expect(hostFs.readlinkSync(join(hostRoot, copy))).toBe(links[key]);
      expectErrno(fs.linkAt(root, 'own.txt', dir, name), Errno.EXIST);
    }
    expectOutsideUntouched();
  });

  test('setTimesAt sets the link, not its target', () => {
    for (const [dir, name, key] of plantedLinks()) {
      expectErrno(fs.setTimesAt(dir, name, 42_000_000_000n, 43_000_000_000n), Errno.SUCCESS);
      expect(hostFs.lstatSync(join(hostRoot, key), { bigint: true }).mtimeNs).toBe(43_000_000_000n);
      expectErrno(fs.setTimesAt(dir, name, null, 44_000_000_000n), Errno.SUCCESS);
    }
    expectOutsideUntouched();
  });

  test('openDirPath declines every path through a link, first or intermediate', () => {
    const s = sub();
    const out: Ref<FsHandle | null> = { value: null };
    const cases: [FsHandle, string[]][] = [
      [root, ['abs']],
      [root, ['rel']],
      [root, ['rel', 'dir']],
      [root, ['reldir', 'deeper']],
      [root, ['chain1', 'dir']],
      [root, ['sub', 'up']],
      [root, ['sub', 'up', 'dir', 'deeper']],
      [s, ['up', 'dir']],
      [root, ['danglingdir']],
    ];
    for (const [dir, names] of cases) expect(fs.openDirPath(dir, names, names.length, out)).toBe(DECLINED);
    expectOutsideUntouched();
  });

  // The one-step open that creates or truncates exists on the native path only (the kernel refuses before any
  // change); the JavaScript path's read-back comes after the open, so it must not offer one.
  test('openPathCreating: native only; declines every path through or onto a link, creating and truncating nothing', () => {
    if (mode !== 'native') {
      expect(fs.openPathCreating).toBeUndefined();
      return;
    }
    const create = fs.openPathCreating as NonNullable<NodeFileSystem['openPathCreating']>;
    const out: Ref<FsHandle | null> = { value: null };
    const creating = ALL_OPEN_FLAGS.filter((f) => f & (CREATE | TRUNC));
    const paths = [...Object.keys(links), 'rel/new', 'reldir/new', 'reldir/deeper/new', 'sub/up/new', 'chain1/secret.txt'];
    for (const flags of creating) {
      for (const p of paths) expect([p, flags, create.call(fs, root, p, flags, out)]).toEqual([p, flags, DECLINED]);
    }
    // Inside and plain, it opens (and creates) in one step; an exclusive create of an existing name declines.
    expectErrno(create.call(fs, root, 'sub/made', WRITE | CREATE | EXCL, out), Errno.SUCCESS);
    handles.push(out.value as FsHandle);
    expect(create.call(fs, root, 'sub/made', WRITE | CREATE | EXCL, out)).toBe(DECLINED);
    expect(create.call(fs, root, 'sub', WRITE | CREATE, out)).toBe(DECLINED); // EISDIR: the walk says so
    expect(create.call(fs, root, 'sub/x', READ | DIRECTORY | CREATE, out)).toBe(DECLINED);
    expect(create.call(fs, root, 'sub/../own.txt', WRITE | TRUNC, out)).toBe(DECLINED);
    expect(hostFs.readFileSync(join(hostRoot, 'own.txt'), 'utf8')).toBe('own');
    expect(hostFs.readdirSync(join(hostRoot, 'sub')).sort()).toEqual(['made', 'up', 'upfile']);
    expectOutsideUntouched();
  });

  test('a host swap of a directory for a symlink between openDirPath calls makes the fast path decline', () => {
    hostFs.mkdirSync(join(hostRoot, 'a', 'dir'), { recursive: true });
    const out: Ref<FsHandle | null> = { value: null };
    const first = fs.openDirPath(root, ['a', 'dir'], 2, out);
    if (mode === 'fallback') expect(first).toBe(DECLINED);
    else {
      expectErrno(first, Errno.SUCCESS);
      handles.push(out.value as FsHandle);
    }
    hostFs.renameSync(join(hostRoot, 'a'), join(hostRoot, 'a-old'));
    hostFs.symlinkSync('../outside', join(hostRoot, 'a'));
    expect(fs.openDirPath(root, ['a', 'dir'], 2, out)).toBe(DECLINED);
    // The slow path sees the link and leaves it to the walker.
    expectErrno(fs.openAt(root, 'a', READ | DIRECTORY, out), Errno.LOOP);
    // A swap for a link that stays inside the root is a symlink crossing all the same.
    hostFs.unlinkSync(join(hostRoot, 'a'));
    hostFs.symlinkSync('a-old', join(hostRoot, 'a'));
    expect(fs.openDirPath(root, ['a', 'dir'], 2, out)).toBe(DECLINED);
    expectOutsideUntouched();
  });

  // With /proc/self/fd a directory handle is the inode, like an openat dirfd: a host swap of its path for a
  // symlink afterwards changes nothing for it. (The path fallback would follow the new link: that is the race
  // documented on NodeFileSystem, so this case is asserted for the /proc mode only.)
  (mode === 'fallback' ? test.skip : test)('a handle opened before a swap keeps using the original directory', () => {
    hostFs.mkdirSync(join(hostRoot, 'a'));
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openAt(root, 'a', READ | DIRECTORY, out), Errno.SUCCESS);
    const a = out.value as FsHandle;
    handles.push(a);
    hostFs.renameSync(join(hostRoot, 'a'), join(hostRoot, 'a-old'));
    hostFs.symlinkSync('../outside', join(hostRoot, 'a'));
    expectErrno(fs.openAt(a, 'secret.txt', READ, out), Errno.NOENT);
    expectErrno(fs.openAt(a, 'created', WRITE | CREATE, out), Errno.SUCCESS);
    handles.push(out.value as FsHandle);
    expectErrno(fs.mkdirAt(a, 'dir2'), Errno.SUCCESS);
    expect(hostFs.existsSync(join(hostRoot, 'a-old', 'created'))).toBe(true);
    expect(hostFs.existsSync(join(hostRoot, 'a-old', 'dir2'))).toBe(true);
    // Its fast path declines on the JavaScript path (the handle is no longer where it was opened); the native
    // one opens beneath the handle's inode, which is still inside the root, and lands in a-old.
    if (mode === 'native') {
      expectErrno(fs.openDirPath(a, ['dir2'], 1, out), Errno.SUCCESS);
      handles.push(out.value as FsHandle);
      const st = newFileStat();
      expectErrno(fs.statAt(out.value as FsHandle, '.', st), Errno.SUCCESS);
      expect(st.ino).toBe(hostFs.statSync(join(hostRoot, 'a-old', 'dir2'), { bigint: true }).ino);
    } else expect(fs.openDirPath(a, ['dir2'], 1, out)).toBe(DECLINED);
    expectOutsideUntouched();
  });

  // A directory handle follows its inode wherever the host moves it (an openat dirfd does); once it is outside
  // the root, every use fails closed with ENOTCAPABLE, and nothing is read or created there.
  (mode === 'fallback' ? test.skip : test)('a handle whose directory the host moves outside fails revalidation', () => {
    hostFs.mkdirSync(join(hostRoot, 'moving'));
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openAt(root, 'moving', READ | DIRECTORY, out), Errno.SUCCESS);
    const h = out.value as FsHandle;
    handles.push(h);
    hostFs.renameSync(join(hostRoot, 'moving'), join(outside, 'moved'));
    hostFs.writeFileSync(join(outside, 'moved', 'there'), '');
    // The core revalidates a guest-held directory handle before every walk from it.
    expectErrno(fs.revalidate!(h), Errno.NOTCAPABLE);
    expectErrno(fs.revalidate!(root), Errno.SUCCESS);
    expect(hostFs.readdirSync(join(outside, 'moved'))).toEqual(['there']);
    expect(fs.openDirPath(h, [], 0, out)).toBe(DECLINED);
    expectErrno(fs.statAt(h, '..', newFileStat()), Errno.NOTCAPABLE);
  });

  (mode === 'fallback' ? test : test.skip)('fallback: a handle whose directory the host moves away is by path', () => {
    hostFs.mkdirSync(join(hostRoot, 'moving'));
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openAt(root, 'moving', READ | DIRECTORY, out), Errno.SUCCESS);
    const h = out.value as FsHandle;
    handles.push(h);
    hostFs.renameSync(join(hostRoot, 'moving'), join(outside, 'moved'));
    hostFs.writeFileSync(join(outside, 'moved', 'there'), '');
    expectErrno(fs.statAt(h, 'there', newFileStat()), Errno.NOENT);
  });
});
