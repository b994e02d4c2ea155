/**
 * A tree kept in the origin private file system (OPFS): regular files and directories are real OPFS entries
 * under `<name>/tree/` (what a user's other tools see), and what OPFS cannot hold (symlinks, the exact ns times
 * of every entry) goes to `<name>/meta.json`. OPFS persists across reloads for the origin, in every page, with
 * or without cross-origin isolation, and is written here with `createWritable` (main thread and workers alike).
 */
import { byDepth, type TreeStore } from './store';
import { validatePath, type TreeDiff, type TreeEntry } from './tree-io';

interface MetaFile {
  version: 1;
  /** path -> times (ns, as decimal strings) and, for a symlink, its target. */
  entries: Record<string, { mtim: string; atim: string; symlink?: string }>;
}

/** True when this browser has OPFS and lets this page use it (it needs a secure context). */
export async function opfsAvailable(): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return false;
    await navigator.storage.getDirectory();
    return true;
  } catch {
    return false;
  }
}

export class OpfsStore implements TreeStore {
  readonly kind = 'opfs';

  private constructor(
    readonly name: string,
    private readonly base: FileSystemDirectoryHandle,
    private readonly tree: FileSystemDirectoryHandle,
  ) {}

  /** Opens (creating if needed) the store `name` in this origin's OPFS. Rejects when OPFS is unavailable. */
  static async open(name: string): Promise<OpfsStore> {
    validatePath(name);
    const root = await navigator.storage.getDirectory();
    let base = root;
    for (const part of name.split('/')) base = await base.getDirectoryHandle(part, { create: true });
    const tree = await base.getDirectoryHandle('tree', { create: true });
    return new OpfsStore(name, base, tree);
  }

  async load(): Promise<TreeEntry[]> {
    const meta = await this.readMeta();
    const out: TreeEntry[] = [];
    const times = (path: string) => {
      const m = meta.entries[path];
      return { mtim: m ? BigInt(m.mtim) : 0n, atim: m ? BigInt(m.atim) : 0n };
    };
    const stack: { dir: FileSystemDirectoryHandle; prefix: string }[] = [{ dir: this.tree, prefix: '' }];
    while (stack.length > 0) {
      const { dir, prefix } = stack.pop()!;
      for await (const [name, handle] of dir.entries()) {
        const path = prefix + name;
        if (handle.kind === 'directory') {
          out.push({ path, kind: 'dir', ...times(path) });
          stack.push({ dir: handle as FileSystemDirectoryHandle, prefix: path + '/' });
        } else {
          const file = await (handle as FileSystemFileHandle).getFile();
          out.push({ path, kind: 'file', data: new Uint8Array(await file.arrayBuffer()), ...times(path) });
        }
      }
    }
    for (const [path, m] of Object.entries(meta.entries)) {
      if (m.symlink !== undefined) out.push({ path, kind: 'symlink', target: m.symlink, mtim: BigInt(m.mtim), atim: BigInt(m.atim) });
    }
    return out.sort(byDepth);
  }

  async save(diff: TreeDiff): Promise<void> {
    const meta = await this.readMeta();
    // Removals first, deepest first (a removed directory's children are listed too); then writes, parents first.
    for (const e of [...diff.removed].sort(byDepth).reverse()) {
      delete meta.entries[e.path];
      if (e.kind === 'symlink') continue;
      const { dir, name } = await this.parentOf(e.path, false);
      if (dir) await dir.removeEntry(name, { recursive: true }).catch(ignoreNotFound);
    }
    for (const e of [...diff.added, ...diff.modified].sort(byDepth)) {
      const m: MetaFile['entries'][string] = { mtim: String(e.mtim), atim: String(e.atim) };
      const { dir, name } = await this.parentOf(e.path, true);
      if (e.kind === 'symlink') {
        // A symlink that replaced a file or directory: the OPFS entry goes.
        await dir!.removeEntry(name, { recursive: true }).catch(ignoreNotFound);
        m.symlink = e.target;
      } else if (e.kind === 'dir') {
        await removeIfKind(dir!, name, 'file');
        await dir!.getDirectoryHandle(name, { create: true });
      } else {
        await removeIfKind(dir!, name, 'directory');
        const writable = await (await dir!.getFileHandle(name, { create: true })).createWritable();
        await writable.write(e.data as Uint8Array<ArrayBuffer>);
        await writable.close();
      }
      meta.entries[e.path] = m;
    }
    // Only read since the last save: the new access time goes to meta.json, the OPFS entry is left as it is.
    for (const e of diff.accessed ?? []) {
      const m = meta.entries[e.path];
      meta.entries[e.path] = { ...m, mtim: String(e.mtim), atim: String(e.atim) };
    }
    await this.writeMeta(meta);
  }

  async clear(): Promise<void> {
    for await (const name of this.tree.keys()) await this.tree.removeEntry(name, { recursive: true });
    await this.writeMeta({ version: 1, entries: {} });
  }

  private async parentOf(path: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle | null; name: string }> {
    const parts = path.split('/');
    const name = parts.pop()!;
    let dir = this.tree;
    try {
      for (const p of parts) dir = await dir.getDirectoryHandle(p, { create });
    } catch (err) {
      if (!create && isNotFound(err)) return { dir: null, name };
      throw err;
    }
    return { dir, name };
  }

  private async readMeta(): Promise<MetaFile> {
    try {
      const file = await (await this.base.getFileHandle('meta.json')).getFile();
      const meta = JSON.parse(await file.text()) as MetaFile;
      if (meta.version === 1 && typeof meta.entries === 'object') return meta;
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof SyntaxError)) throw err;
    }
    return { version: 1, entries: {} };
  }

  private async writeMeta(meta: MetaFile): Promise<void> {
    const writable = await (await this.base.getFileHandle('meta.json', { create: true })).createWritable();
    await writable.write(JSON.stringify(meta));
    await writable.close();
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError');
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}

async function removeIfKind(dir: FileSystemDirectoryHandle, name: string, kind: 'file' | 'directory'): Promise<void> {
  try {
    const h = kind === 'file' ? await dir.getFileHandle(name) : await dir.getDirectoryHandle(name);
    if (h) await dir.removeEntry(name, { recursive: true });
  } catch (err) {
    ignoreNotFound(err);
  }
}
