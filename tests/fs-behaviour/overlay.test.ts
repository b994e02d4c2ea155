import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { OverlayFileSystem } from '@vos/fs-overlay';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';
import { SystemClock } from '@vos/clock';

/** Two fresh host directories, `lower` and `upper`, under one temp dir. */
function hostLayers(): { lower: string; upper: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-fs-overlay-'));
  const lower = join(tmp, 'lower');
  const upper = join(tmp, 'upper');
  mkdirSync(lower);
  mkdirSync(upper);
  return { lower, upper, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

describeFileSystemBehaviour('OverlayFileSystem: node upper over node lower', () => {
  const { lower, upper, cleanup } = hostLayers();
  return { fs: new OverlayFileSystem(new NodeFileSystem(lower), new NodeFileSystem(upper)), cleanup };
});

describeFileSystemBehaviour('OverlayFileSystem: memory upper over node lower', () => {
  const { lower, cleanup } = hostLayers();
  return { fs: new OverlayFileSystem(new NodeFileSystem(lower), new MemoryFileSystem({ clock: new SystemClock() })), cleanup };
});

describeFileSystemBehaviour('OverlayFileSystem: memory upper over memory lower', () => ({
  fs: new OverlayFileSystem(new MemoryFileSystem({ clock: new SystemClock() }), new MemoryFileSystem({ clock: new SystemClock() })),
}));
