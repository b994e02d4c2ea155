import { Errno } from './abi/errno';
import { Filetype } from './abi/constants';
import { OpenFlags, type DirEntry, type FileStat, type FileSystem, type FsHandle, type Ref } from './providers/fs';
import { PathWalker, Resolution, SYMLINK_BUDGET } from './walker';

/** A tiny read-only tree for table tests of the walker: dirs are objects, files strings, links `{ link }`. */
type Node = { [name: string]: Node } | string | { link: string };
const isLink = (n: Node): n is { link: string } => typeof n === 'object' && typeof (n as { link?: unknown }).link === 'string';
const isDir = (n: Node): n is { [name: string]: Node } => typeof n === 'object' && !isLink(n);

class Handle {
  constructor(readonly node: Node, readonly path: string) {}
}

function treeFs(root: Node, log: string[] = []): FileSystem {
  const child = (dir: FsHandle, name: string): Handle | null => {
    const d = (dir as Handle).node;
    if (name === '.') return dir as Handle;
    if (!isDir(d) || !Object.prototype.hasOwnProperty.call(d, name)) return null;
    return new Handle(d[name], `${(dir as Handle).path}/${name}`);
  };
  const unsupported = () => Errno.NOSYS;
  return {
    capabilities: { readOnly: true, symlinks: true, hardLinks: false, timestampResolutionNs: 1n },
    openRoot: (out) => ((out.value = new Handle(root, '')), Errno.SUCCESS),
    statAt(dir, name, out: FileStat) {
      const h = child(dir, name);
      if (h === null) return Errno.NOENT;
      out.filetype = isLink(h.node) ? Filetype.SYMBOLIC_LINK : isDir(h.node) ? Filetype.DIRECTORY : Filetype.REGULAR_FILE;
      return Errno.SUCCESS;
    },
    openAt(dir, name, flags, out: Ref<FsHandle | null>) {
      log.push(`open ${(dir as Handle).path}/${name}`);
      const h = child(dir, name);
      if (h === null) return Errno.NOENT;
      if (isLink(h.node)) return Errno.LOOP;
      if (flags & OpenFlags.DIRECTORY && !isDir(h.node)) return Errno.NOTDIR;
      out.value = h;
      return Errno.SUCCESS;
    },
    readlinkAt(dir, name, out: Ref<string>) {
      const h = child(dir, name);
      if (h === null) return Errno.NOENT;
      if (!isLink(h.node)) return Errno.INVAL;
      out.value = h.node.link;
      return Errno.SUCCESS;
    },
    mkdirAt: unsupported, symlinkAt: unsupported, unlinkAt: unsupported, rmdirAt: unsupported,
    renameAt: unsupported, linkAt: unsupported, setTimesAt: unsupported,
    typeOf: (h) => (isDir((h as Handle).node) ? Filetype.DIRECTORY : Filetype.REGULAR_FILE),
    close: () => {}, stat: unsupported, read: () => -Errno.NOSYS, write: () => -Errno.NOSYS, truncate: unsupported,
    setTimes: unsupported, sync: unsupported, allocate: unsupported,
    readdir: (_h, _out: DirEntry[]) => Errno.NOSYS,
  };
}

const tree: Node = {
  a: { b: { c: 'file', up: { link: '../..' } }, file: 'x', self: { link: '.' } },
  top: 'file',
  toA: { link: 'a' },
  toB: { link: 'a/b/' },
  toFile: { link: 'top' },
  dangling: { link: 'nowhere' },
  abs: { link: '/etc/passwd' },
  out: { link: '../outside' },
  deepOut: { link: 'a/../../x' },
  loop1: { link: 'loop2' },
  loop2: { link: 'loop1' },
  empty: { link: '' },
};

function walk(path: string, follow = false): string {
  const fs = treeFs(tree);
  const ref: Ref<FsHandle | null> = { value: null };
  fs.openRoot(ref);
  const w = new PathWalker();
  const res = new Resolution();
  let errno = w.resolve(fs, ref.value as FsHandle, path, res);
  const st = { filetype: 0 } as FileStat;
  while (errno === Errno.SUCCESS && (follow || res.mustBeDir) && fs.statAt(res.dir, res.name, st) === 0 && st.filetype === Filetype.SYMBOLIC_LINK) {
    errno = w.followFinal(res);
  }
  if (errno !== Errno.SUCCESS) return `errno ${errno}`;
  const out = `${(res.dir as Handle).path || '/'} : ${res.name}${res.mustBeDir ? ' (dir)' : ''}`;
  res.release();
  return out;
}

describe('PathWalker', () => {
  test.each([
    ['top', '/ : top'],
    ['a/b/c', '/a/b : c'],
    ['a//b///c', '/a/b : c'],
    ['./a/./b/c', '/a/b : c'],
    ['a/b/', '/a : b (dir)'],
    ['a/b/.', '/a/b : .'],
    ['.', '/ : .'],
    ['a/..', '/ : .'],
    ['a/b/../file', '/a : file'],
    ['toA/file', '/a : file'],
    ['toA/b/up/top', '/ : top'],
    ['a/self/self/file', '/a : file'],
    ['toB', '/ : toB'],
  ])('%s resolves to %s', (path, expected) => {
    expect(walk(path)).toBe(expected);
  });

  test.each([
    ['', Errno.NOENT],
    ['/etc/passwd', Errno.NOTCAPABLE],
    ['..', Errno.NOTCAPABLE],
    ['../x', Errno.NOTCAPABLE],
    ['a/../../x', Errno.NOTCAPABLE],
    ['a/b/../../../x', Errno.NOTCAPABLE],
    ['out/x', Errno.NOTCAPABLE],
    ['deepOut/y', Errno.NOTCAPABLE],
    ['abs/x', Errno.NOTCAPABLE],
    ['loop1/x', Errno.LOOP],
    ['top/x', Errno.NOTDIR],
    ['toFile/x', Errno.NOTDIR],
    ['dangling/x', Errno.NOENT],
    ['missing/x', Errno.NOENT],
    ['empty/x', Errno.NOENT],
  ])('%s fails with errno %s', (path, errno) => {
    expect(walk(path)).toBe(`errno ${errno}`);
  });

  test('following the final component', () => {
    expect(walk('toFile', true)).toBe('/ : top');
    expect(walk('toB', true)).toBe('/a : b (dir)');
    expect(walk('loop1', true)).toBe(`errno ${Errno.LOOP}`);
    expect(walk('abs', true)).toBe(`errno ${Errno.NOTCAPABLE}`);
    expect(walk('out', true)).toBe(`errno ${Errno.NOTCAPABLE}`);
    expect(walk('dangling', true)).toBe('/ : nowhere');
    // a trailing slash follows the link even without the follow flag
    expect(walk('toA/')).toBe('/ : a (dir)');
  });

  test('the symlink budget is 40 links per resolution', () => {
    const chain: Record<string, Node> = { t: 'file' };
    for (let i = 0; i < SYMLINK_BUDGET + 1; i++) chain[`l${i}`] = { link: i === 0 ? 't' : `l${i - 1}` };
    const fs = treeFs(chain);
    const ref: Ref<FsHandle | null> = { value: null };
    fs.openRoot(ref);
    const w = new PathWalker();
    const res = new Resolution();
    const follow = (name: string) => {
      let errno = w.resolve(fs, ref.value as FsHandle, name, res);
      const st = { filetype: 0 } as FileStat;
      while (errno === 0 && fs.statAt(res.dir, res.name, st) === 0 && st.filetype === Filetype.SYMBOLIC_LINK) errno = w.followFinal(res);
      res.release();
      return errno;
    };
    expect(follow(`l${SYMLINK_BUDGET - 1}`)).toBe(Errno.SUCCESS);
    expect(follow(`l${SYMLINK_BUDGET}`)).toBe(Errno.LOOP);
  });

  test('backends only ever see single names', () => {
    const log: string[] = [];
    const fs = treeFs(tree, log);
    const ref: Ref<FsHandle | null> = { value: null };
    fs.openRoot(ref);
    const res = new Resolution();
    new PathWalker().resolve(fs, ref.value as FsHandle, 'toA/b/up/a/b/c', res);
    for (const line of log) expect(line.split(' ')[1].split('/').pop()).not.toMatch(/^(\.\.|)$/);
    expect(log.length).toBeGreaterThan(0);
  });
});
