import { MemoryFileSystem } from '@vos/fs-memory';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';
import { SystemClock } from '@vos/clock';

describeFileSystemBehaviour('MemoryFileSystem', () => ({ fs: new MemoryFileSystem({ clock: new SystemClock() }) }));

// A clone must behave exactly like a fresh filesystem (its buffers start shared with the original's).
describeFileSystemBehaviour('MemoryFileSystem (clone)', () => ({ fs: new MemoryFileSystem({ clock: new SystemClock() }).clone() }));
