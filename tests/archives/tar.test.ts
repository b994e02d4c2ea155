/**
 * Tar import and export (@vos/fs-browser's importTar/exportTar): round trips, archives written by GNU tar in its
 * three dialects (fixtures/make.sh), GNU tar reading ours (in a child process), and hostile archives refused
 * before anything is written. The same link checks for zip.
 */
import { spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packTar, type TarEntry } from 'modern-tar';
import { zipSync } from 'fflate';
import { MemoryFileSystem } from '@vos/fs-memory';
import { exportTar, exportZip, importTar, importZip, readTree, type TreeEntry } from '@vos/fs-browser';

const clock = { now: (_id: 0) => 1_600_000_000_123_456_789n };
const FIXTURES = path.join(__dirname, 'fixtures');
const D = 'd'.repeat(60);
const LONG = `${'long-'.repeat(25)}name.txt`;
const bin = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);

function shape(entries: TreeEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.path}${e.kind === 'symlink' ? ` -> ${e.target}` : ''}${e.kind === 'file' ? ` ${Buffer.from(e.data).toString('base64')}` : ''} m${e.mtim} a${e.atim}`);
}

function sample(): MemoryFileSystem {
  const fs = MemoryFileSystem.fromObject(
    {
      'hello.txt': 'hello',
      'bin.dat': bin,
      empty: {},
      [D]: { [LONG]: 'deep', sub: { 'x.txt': 'x' } },
      'ünïcode ✓.txt': 'utf-8 name',
      link: { symlink: 'hello.txt' },
      longlink: { symlink: `${D}/${LONG}` },
    },
    { clock },
  );
  return fs;
}

async function tarOf(entries: TarEntry[]): Promise<Uint8Array> {
  return packTar(entries);
}

/** Runs `importTar` on a fresh filesystem; resolves to the error message, and checks nothing was written. */
async function refused(tar: Uint8Array, limits = {}): Promise<string> {
  const fs = new MemoryFileSystem({ clock });
  const message = await importTar(fs, tar, limits).then(
    () => 'imported',
    (e: Error) => e.message,
  );
  expect(readTree(fs)).toEqual([]);
  return message;
}

const file = (name: string, body: string | Uint8Array = 'x'): TarEntry => ({
  header: { name, type: 'file', size: typeof body === 'string' ? Buffer.byteLength(body) : body.length },
  body,
});
const symlink = (name: string, linkname: string): TarEntry => ({ header: { name, type: 'symlink', size: 0, linkname } });

describe('tar export and import', () => {
  test('a tree survives export and import: kinds, bytes, long and UTF-8 names, link targets, ns times', async () => {
    const src = sample();
    const tar = await exportTar(src);
    expect(new TextDecoder().decode(tar.subarray(257, 262))).toBe('ustar');
    const dst = new MemoryFileSystem({ clock: { now: () => 5n } });
    const written = await importTar(dst, tar);
    expect(written.length).toBe(readTree(src).length);
    expect(shape(readTree(dst))).toEqual(shape(readTree(src)));
  });

  test('times before 1970 and with no fraction round-trip exactly', async () => {
    const src = MemoryFileSystem.fromObject({ old: 'o', whole: 'w' }, { clock });
    const tree = readTree(src).map((e) => ({ ...e, mtim: e.path === 'old' ? -1_500_000_001n : 3_000_000_000n, atim: 7n }));
    const withTimes = new MemoryFileSystem({ clock });
    const { writeTree } = await import('@vos/fs-browser');
    writeTree(withTimes, tree);
    const dst = new MemoryFileSystem({ clock });
    await importTar(dst, await exportTar(withTimes));
    expect(shape(readTree(dst))).toEqual(shape(readTree(withTimes)));
  });

  test('whole-second times with atime = mtime need no pax record: the archive is plain ustar', async () => {
    const src = new MemoryFileSystem({ clock });
    const { writeTree } = await import('@vos/fs-browser');
    writeTree(src, [{ path: 'f', kind: 'file', data: new Uint8Array(3), mtim: 1_600_000_000_000_000_000n, atim: 1_600_000_000_000_000_000n }]);
    const tar = await exportTar(src);
    expect(String.fromCharCode(tar[156])).toBe('0');
    const dst = new MemoryFileSystem({ clock });
    await importTar(dst, tar);
    expect(shape(readTree(dst))).toEqual(shape(readTree(src)));
  });

  test('GNU tar reads our archive: contents, symlinks, long names and ns mtimes', () => {
    return (async () => {
      const tar = await exportTar(sample());
      const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'vos-tar-'));
      try {
        nodeFs.writeFileSync(path.join(dir, 'a.tar'), tar);
        nodeFs.mkdirSync(path.join(dir, 'out'));
        const r = spawnSync('tar', ['-xf', path.join(dir, 'a.tar'), '-C', path.join(dir, 'out')], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const out = path.join(dir, 'out');
        expect(nodeFs.readFileSync(path.join(out, D, LONG), 'utf8')).toBe('deep');
        expect(Buffer.compare(nodeFs.readFileSync(path.join(out, 'bin.dat')), Buffer.from(bin))).toBe(0);
        expect(nodeFs.readFileSync(path.join(out, 'ünïcode ✓.txt'), 'utf8')).toBe('utf-8 name');
        expect(nodeFs.readlinkSync(path.join(out, 'longlink'))).toBe(`${D}/${LONG}`);
        expect(nodeFs.statSync(path.join(out, 'empty')).isDirectory()).toBe(true);
        expect(nodeFs.statSync(path.join(out, 'hello.txt'), { bigint: true }).mtimeNs).toBe(1_600_000_000_123_456_789n);
      } finally {
        nodeFs.rmSync(dir, { recursive: true, force: true });
      }
    })();
  });

  test.each(['gnu', 'pax'])('a %s archive written by GNU tar imports: long names and link targets, a hard link as a copy', async (format) => {
    const fs = new MemoryFileSystem({ clock });
    await importTar(fs, nodeFs.readFileSync(path.join(FIXTURES, `${format}.tar`)));
    const t = readTree(fs);
    const kinds = t.map((e) => `${e.kind} ${e.path}${e.kind === 'symlink' ? ` -> ${e.target}` : ''}${e.kind === 'file' ? ` ${new TextDecoder().decode(e.data)}` : ''}`);
    expect(kinds.sort()).toEqual([
      'dir dir',
      `dir dir/${D}`,
      'dir dir/sub',
      `file dir/${D}/${LONG} deep`,
      'file dir/sub/x x',
      'file hard hello tar',
      'file hello.txt hello tar',
      'symlink link -> hello.txt',
      `symlink longlink -> dir/${D}/${LONG}`,
    ]);
    const byPath = new Map(t.map((e) => [e.path, e]));
    // pax keeps the nanoseconds; gnu and ustar headers have whole seconds.
    const fileTime = format === 'pax' ? 1_612_325_106_123_456_789n : 1_612_325_106_000_000_000n;
    expect(byPath.get('hello.txt')!.mtim).toBe(fileTime);
    expect(byPath.get('link')!.mtim).toBe(fileTime);
    expect(byPath.get('dir/sub')!.mtim).toBe(format === 'pax' ? 1_612_325_106_500_000_000n : 1_612_325_106_000_000_000n);
  });

  test('a ustar archive with a name split into prefix and name imports whole', async () => {
    const fs = new MemoryFileSystem({ clock });
    await importTar(fs, nodeFs.readFileSync(path.join(FIXTURES, 'ustar.tar')));
    expect(readTree(fs).map((e) => `${e.kind} ${e.path}`)).toEqual([`dir ${D}`, `file ${D}/${'e'.repeat(50)}.txt`]);
  });

  test('existing files of the same names are replaced; others are kept', async () => {
    const fs = MemoryFileSystem.fromObject({ 'a.txt': 'old', 'keep.txt': 'kept' }, { clock });
    await importTar(fs, await tarOf([file('a.txt', 'new')]));
    expect(fs.toObject({ text: true })).toEqual({ 'a.txt': 'new', 'keep.txt': 'kept' });
  });
});

describe('hostile tar archives are refused before anything is written', () => {
  test.each(['../evil.txt', 'a/../../evil.txt', '/abs.txt', 'a//b', 'a/./b'])('an entry named %j', async (name) => {
    expect(await refused(await tarOf([file('ok.txt'), file(name)]))).toMatch(/path/);
  });

  test.each([
    ['../outside', 'link'],
    ['/etc/passwd', 'link'],
    ['../../x', 'a/link'],
    ['sub/../../x', 'link'],
  ])('a symlink to %j (at %s) points outside the tree', async (target, at) => {
    expect(await refused(await tarOf([symlink(at, target)]))).toMatch(/points outside the tree/);
  });

  test('a symlink that climbs out through another symlink of the archive', async () => {
    // d/up -> .. is the root; x -> d/up/.. is then the root's parent.
    expect(await refused(await tarOf([symlink('d/up', '..'), symlink('x', 'd/up/..')]))).toMatch(/"x" -> "d\/up\/\.\." points outside/);
  });

  test('symlinks that loop are refused; ones that stay inside are accepted', async () => {
    expect(await refused(await tarOf([symlink('a', 'b'), symlink('b', 'a')]))).toMatch(/loops/);
    const fs = new MemoryFileSystem({ clock });
    await importTar(fs, await tarOf([file('d/f.txt'), symlink('d/back', '../d/f.txt'), symlink('up', 'd/back')]));
    expect(readTree(fs).filter((e) => e.kind === 'symlink').length).toBe(2);
  });

  test('allowOutsideLinks accepts a link out of the tree', async () => {
    const fs = new MemoryFileSystem({ clock });
    await importTar(fs, await tarOf([symlink('up', '../x'), symlink('abs', '/etc')]), { allowOutsideLinks: true });
    expect(shape(readTree(fs)).map((l) => l.split(' m')[0])).toEqual(['symlink abs -> /etc', 'symlink up -> ../x']);
  });

  test('a file written through a symlink of the archive', async () => {
    expect(await refused(await tarOf([symlink('d', 'sub'), file('d/evil.txt')]), { allowOutsideLinks: true })).toMatch(/under the symlink "d"/);
  });

  test('a symlink target that is too long, or empty', async () => {
    expect(await refused(await tarOf([symlink('l', 'a/'.repeat(2100))]))).toMatch(/bad target/);
    expect(await refused(await tarOf([symlink('l', '')]))).toMatch(/bad target/);
  });

  test('a hard link to a file that is not earlier in the archive', async () => {
    const link = (name: string, linkname: string): TarEntry => ({ header: { name, type: 'link', size: 0, linkname } });
    expect(await refused(await tarOf([link('h', 'later.txt'), file('later.txt')]))).toMatch(/hard link/);
    expect(await refused(await tarOf([link('h', '../x')]))).toMatch(/path/);
  });

  test('more entries than maxEntries, more bytes than maxBytes (hard-link copies count)', async () => {
    expect(await refused(await tarOf([file('a'), file('b'), file('c')]), { maxEntries: 2 })).toMatch(/more than 2 entries/);
    const big = new Uint8Array(600);
    expect(await refused(await tarOf([file('a', big), file('b', big)]), { maxBytes: 1000 })).toMatch(/more than 1000 bytes/);
    const copies = [file('a', big), ...['h1', 'h2'].map((n): TarEntry => ({ header: { name: n, type: 'link', size: 0, linkname: 'a' } }))];
    expect(await refused(await tarOf(copies), { maxBytes: 1500 })).toMatch(/more than 1500 bytes/);
  });

  test('a corrupt header checksum, a size past the end, a truncated archive', async () => {
    const tar = await tarOf([file('a.txt', 'hello'), file('b.txt', 'world')]);
    const corrupt = tar.slice();
    corrupt[1024] ^= 1; // b.txt's name: the checksum no longer matches
    expect(await refused(corrupt)).toMatch(/checksum/i);
    const huge = tar.slice();
    // a.txt claims 8 GiB - 1 (octal 77777777777): far past the archive's end.
    huge.set(new TextEncoder().encode('77777777777'), 124);
    fixChecksum(huge, 0);
    expect(await refused(huge)).toMatch(/truncated|bytes/i);
    expect(await refused(tar.subarray(0, 700))).toMatch(/truncated/i);
  });
});

describe('zip import: the same link checks', () => {
  const zipLink = (target: string) => ({ 'ok.txt': new Uint8Array(1), ln: [new TextEncoder().encode(target), { os: 3, attrs: (0o120777 << 16) >>> 0 }] as const });

  test('a zip symlink out of the tree is refused before anything is written; allowOutsideLinks accepts it', () => {
    for (const target of ['../x', '/etc/passwd']) {
      const fs = new MemoryFileSystem({ clock });
      expect(() => importZip(fs, zipSync(zipLink(target) as never))).toThrow(/points outside the tree/);
      expect(readTree(fs)).toEqual([]);
    }
    const fs = new MemoryFileSystem({ clock });
    importZip(fs, zipSync(zipLink('../x') as never), { allowOutsideLinks: true });
    expect(readTree(fs).map((e) => `${e.kind} ${e.path}`)).toEqual(['symlink ln', 'file ok.txt']);
  });

  test('zip and tar exports of one tree import to the same tree (zip keeps 2 s times, tar ns)', async () => {
    const src = sample();
    const a = new MemoryFileSystem({ clock });
    const b = new MemoryFileSystem({ clock });
    importZip(a, exportZip(src));
    await importTar(b, await exportTar(src));
    const noTimes = (t: TreeEntry[]) => shape(t).map((l) => l.split(' m')[0]);
    expect(noTimes(readTree(a))).toEqual(noTimes(readTree(b)));
  });
});

/** Rewrites the checksum of the header at `at` (after a test edits it). */
function fixChecksum(tar: Uint8Array, at: number): void {
  const block = tar.subarray(at, at + 512);
  block.fill(32, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}
