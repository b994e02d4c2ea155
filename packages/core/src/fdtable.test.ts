import { Filetype, RIGHTS_DIRECTORY } from './abi/constants';
import { directoryFd, fileFd, FdTable, streamFd } from './fdtable';
import type { DirEntry, FileSystem, FsHandle } from './providers/fs';
import type { Stream } from './providers/stdio';

// FdTable.closeAll (what a sandbox's dispose runs): every fd closed once, the table empty, listings released and
// links cut, without retiring each fd one by one as `remove` does (docs/decisions.md, "Less JavaScript per start").

function recordingFs(closed: FsHandle[]): FileSystem {
  return { close: (h: FsHandle) => void closed.push(h) } as unknown as FileSystem;
}

function stream(closed: string[], name: string, withClose = true): Stream {
  return {
    filetype: Filetype.UNKNOWN, read: () => 0, write: (_b, _o, len) => len, stat: () => 0,
    ...(withClose ? { close: () => void closed.push(name) } : {}),
  } as Stream;
}

const listing = (n: number): DirEntry[] => Array.from({ length: n }, (_, i) => ({ name: `entry-${i}`, ino: BigInt(i), filetype: Filetype.REGULAR_FILE }) as DirEntry);

test('closeAll closes every open fd once (filesystem handles and streams), skips holes, and empties the table', () => {
  const handles: FsHandle[] = [];
  const streams: string[] = [];
  const fs = recordingFs(handles);
  const table = new FdTable(16);
  table.insert(streamFd(stream(streams, 'in'), 0, 0));
  table.insert(streamFd(stream(streams, 'out', false), 0, 0)); // a stream without close() is left alone
  const dirHandle = { dir: true } as unknown as FsHandle;
  const fileHandle = { file: true } as unknown as FsHandle;
  const goneHandle = { gone: true } as unknown as FsHandle;
  const dir = directoryFd(RIGHTS_DIRECTORY, RIGHTS_DIRECTORY, fs, dirHandle, '/sandbox');
  table.insert(dir);
  const gone = table.insert(fileFd(Filetype.REGULAR_FILE, 0, 0, 0, fs, goneHandle));
  const file = fileFd(Filetype.REGULAR_FILE, 0, 0, 0, fs, fileHandle);
  file.openedFrom = dir;
  file.openedPath = 'a.txt';
  table.insert(file);
  table.remove(gone)?.close(); // a hole in the table, closed already
  expect(handles).toEqual([goneHandle]);

  table.closeAll();
  expect(handles).toEqual([goneHandle, dirHandle, fileHandle]);
  expect(streams).toEqual(['in']);
  expect(table.size).toBe(0);
  expect(table.peek(0)).toBeUndefined();
  expect(table.peek(4)).toBeUndefined();
  expect(file.openedFrom).toBeNull(); // nothing closed keeps another entry alive
  // A table closed this way starts again at fd 0, with no free slot left from before.
  expect(table.insert(streamFd(stream(streams, 'again'), 0, 0))).toBe(0);
  expect(table.insert(streamFd(stream(streams, 'again'), 0, 0))).toBe(1);
});

test('closeAll releases every held listing: the listing budget is whole again', () => {
  const fs = recordingFs([]);
  const table = new FdTable(16, 100_000);
  const a = directoryFd(RIGHTS_DIRECTORY, RIGHTS_DIRECTORY, fs, {} as FsHandle, '/a');
  const b = directoryFd(RIGHTS_DIRECTORY, RIGHTS_DIRECTORY, fs, {} as FsHandle, '/b');
  table.insert(a);
  table.insert(b);
  table.holdListing(a, listing(10));
  table.holdListing(b, listing(20));
  expect(table.heldListingBytes).toBeGreaterThan(0);
  table.closeAll();
  expect(table.heldListingBytes).toBe(0);
  expect(a.listing).toBeNull();
  expect(b.listing).toBeNull();
  expect(a.listingPrev ?? a.listingNext ?? b.listingPrev ?? b.listingNext).toBeNull();
  // The list of held listings is empty: a new holder is its only member and is never dropped for old ones.
  const c = directoryFd(RIGHTS_DIRECTORY, RIGHTS_DIRECTORY, fs, {} as FsHandle, '/c');
  table.insert(c);
  table.holdListing(c, listing(1000));
  expect(c.listing).not.toBeNull();
  expect(table.heldListingBytes).toBe(1000 * 80 + listing(1000).reduce((n, e) => n + e.name.length, 0));
});
