/**
 * The shared filesystem behaviour suite (the one every backend runs under jest) in Chromium, on the in-memory
 * backend and its clone, and on the browser storage backends (see fs-browser.page.ts for those).
 */
import { installGlobals, runAndReport } from '../harness';
import { MemoryFileSystem } from '@vos/fs-memory';
import { SystemClock } from '@vos/clock';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';

installGlobals();
describeFileSystemBehaviour('MemoryFileSystem', () => ({ fs: new MemoryFileSystem({ clock: new SystemClock() }) }));
describeFileSystemBehaviour('MemoryFileSystem (clone)', () => ({ fs: new MemoryFileSystem({ clock: new SystemClock() }).clone() }));

runAndReport();
