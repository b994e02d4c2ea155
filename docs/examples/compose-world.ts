/**
 * The world of docs/layering.md, in a few lines: `/` in memory, `/data` a host directory made read-only,
 * `/work` copy-on-write over a host project (the guest may change anything there, the host never sees it),
 * `/tmp` a fresh memory filesystem. tests/docs/compose-world.test.ts runs it.
 */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { createNodeFileSystem } from '@vos/fs-node';
import { OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import { SystemClock } from '@vos/clock';

export function composeWorld(dataDir: string, projectDir: string, args: string[], stdout: number) {
  const work = new OverlayFileSystem(createNodeFileSystem(projectDir), new MemoryFileSystem({ clock: new SystemClock() }));
  const wasi = new WASI({
    version: 'preview1',
    args,
    stdout,
    mounts: {
      '/': ({ clock }) => new MemoryFileSystem({ clock }),
      '/data': new ReadOnlyFileSystem(createNodeFileSystem(dataDir)),
      '/work': work,
      '/tmp': ({ clock }) => new MemoryFileSystem({ clock }),
    },
  });
  return { wasi, work };
}
