import { MemoryFileSystem } from '@vos/fs-memory';
import { describeFileSystemBehaviour } from './suite';

describeFileSystemBehaviour('MemoryFileSystem', () => ({ fs: new MemoryFileSystem() }));

// A clone must behave exactly like a fresh filesystem (its buffers start shared with the original's).
describeFileSystemBehaviour('MemoryFileSystem (clone)', () => ({ fs: new MemoryFileSystem().clone() }));
