import { assertFileSystem, Errno, Filetype, newFileStat, OpenFlags, readByParts, writeByParts } from '@vos/core';
import type { DirEntry, FileStat, FileSystem, FsCapabilities, FsHandle, Ref } from '@vos/core';
import { collectChanges, type OverlayChanges } from './overlay-changes';
import { OvHandle, OvNode } from './overlay-node';

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;
const DIR_OPEN = READ | DIRECTORY;
const COPY_CHUNK = 64 * 1024;

export interface OverlayOptions {
  /** The device id every overlay inode reports (default 0x6f766c79, "ovly"). One per overlay. */
  readonly dev?: bigint;
}

/**
 * A copy-on-write union of two backends (any pair): reads fall through to `lower`, every change lands in
 * `upper`, and `lower` is never written to, whatever the guest does (only `openRoot`, `statAt`, `openAt` for
 * reading, `readlinkAt`, `read`/`readv`, `stat`, `sync` and `readdir` are ever called on it).
 *
 * Copy-up. Opening a lower file for WRITE, TRUNC or APPEND copies it up at once (as Linux overlayfs does, so a
 * writable handle always points at the upper copy); a metadata change (times, a hard link, a rename) copies up
 * too. A copy-up takes the data, atime/mtime and symlink targets, creates the missing parent directories in the
 * upper (with the lower's times), and restores the parent's times afterwards so the copy-up itself is invisible.
 * Open handles name an overlay inode (`OvNode`), not a layer file, so a handle opened on the lower file reads the
 * upper copy from the moment it exists. Special files (fifos, devices) are served from the lower read-only; a
 * copy-up of one is ENOTSUP (the contract cannot create them).
 *
 * Whiteouts and opaque directories are kept in the overlay's own state (`OvNode.masked`), never as marker
 * entries in the upper: the upper holds only real content, which a host can use as is. The price is that a new
 * overlay over the same upper does not remember deletions; `changes()` reports them for a host that wants to keep
 * or apply them. A directory removed and re-created is opaque: its lower contents stay hidden.
 *
 * Renames go through the upper's `renameAt`, after copying the source up. Renaming a directory that has lower
 * contents copies its whole subtree up first (cost: all its bytes; Linux overlayfs answers EXDEV here unless
 * `redirect_dir` is on), and the moved directory is opaque afterwards.
 *
 * Hard links. Two lower names of one lower file are one overlay inode (same ino, the lower's nlink) until one of
 * them is copied up: the copy-up breaks the link, as overlayfs without `index`, and the copy gets a fresh ino
 * while the other name keeps the old one. `linkAt` copies its source up and links in the upper, so links made by
 * the guest are real upper hard links.
 *
 * Inode numbers are the overlay's own: the first time a layer inode is seen it gets the next number, remembered
 * per layer (so a name keeps its ino across lookups, readdir and stat); a copy-up hands the lower's number on to
 * the upper copy, so an inode keeps its number across a copy-up (except a broken hard link, above). `dev` is one
 * value for the whole overlay. Memory: the ino maps and the dentry cache grow with the inodes and names seen.
 *
 * The layers must not be changed by anyone else while the overlay is in use (as for Linux overlayfs): the
 * overlay caches which layer holds each name it has looked up.
 */
export class OverlayFileSystem implements FileSystem {
  readonly capabilities: FsCapabilities;
  readonly dev: bigint;
  private readonly root: OvNode | null = null;
  private readonly rootErrno: Errno = Errno.SUCCESS;
  private nextIno = 1n;
  private readonly lowerInos = new Map<bigint, bigint>();
  private readonly upperInos = new Map<bigint, bigint>();
  // Scratch records, reused across calls (never handed out).
  private readonly upperSt = newFileStat();
  private readonly lowerSt = newFileStat();
  private readonly tmpSt = newFileStat();
  private readonly ref: Ref<FsHandle | null> = { value: null };
  private readonly textRef: Ref<string> = { value: '' };
  private inUpper = false;
  private inLower = false;
  private found: OvNode | null = null;
  private copyBuf: Uint8Array | null = null;
  private disposed = false;

  constructor(
    readonly lower: FileSystem,
    readonly upper: FileSystem,
    options: OverlayOptions = {},
  ) {
    assertFileSystem(lower, 'OverlayFileSystem lower');
    assertFileSystem(upper, 'OverlayFileSystem upper');
    const lc = lower.capabilities;
    const uc = upper.capabilities;
    this.capabilities = Object.freeze({
      readOnly: uc.readOnly,
      symlinks: uc.symlinks,
      hardLinks: uc.hardLinks,
      timestampResolutionNs: lc.timestampResolutionNs > uc.timestampResolutionNs ? lc.timestampResolutionNs : uc.timestampResolutionNs,
    });
    this.dev = options.dev ?? 0x6f766c79n;
    const ref = this.ref;
    let errno = upper.openRoot(ref);
    if (errno !== Errno.SUCCESS) {
      this.rootErrno = errno;
      return;
    }
    const upperRoot = ref.value as FsHandle;
    ref.value = null;
    errno = lower.openRoot(ref);
    if (errno === Errno.SUCCESS) errno = upper.stat(upperRoot, this.upperSt);
    if (errno !== Errno.SUCCESS) {
      upper.close(upperRoot);
      if (ref.value !== null) lower.close(ref.value);
      this.rootErrno = errno;
      return;
    }
    const root = new OvNode(null, '', Filetype.DIRECTORY, this.inoOf(this.upperInos, this.upperSt.ino), true, true);
    root.refs = 1; // the overlay's own reference: the root's layer handles live as long as the overlay
    root.upperH = upperRoot;
    root.lowerH = this.ref.value;
    ref.value = null;
    this.root = root;
  }

  /**
   * Closes the overlay's own handles on both layers' roots (host fds when a layer is a host directory). Call it
   * when no guest uses the overlay any more; `changes()` still answers from the state kept in memory, but the
   * overlay can no longer be opened. Idempotent.
   */
  dispose(): void {
    const root = this.root;
    if (root === null || this.disposed) return;
    this.disposed = true;
    this.release(root);
  }

  /** What the guest changed, relative to the lower layer (see `collectChanges`). */
  changes(options: { readonly maxPathBytes?: number } = {}): OverlayChanges {
    if (this.root === null) return { created: [], modified: [], deleted: [] };
    if (this.disposed) throw new Error('vos: OverlayFileSystem.changes() after dispose()');
    return collectChanges(this.lower, this.upper, this.root, options.maxPathBytes);
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    if (this.root === null) return this.rootErrno;
    if (this.disposed) return Errno.BADF;
    this.root.refs++;
    out.value = new OvHandle(this, this.root, false);
    return Errno.SUCCESS;
  }

  // ---- name-relative operations ----

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return this.statNode(d, out);
    const errno = this.probe(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    const st = this.inUpper ? this.upperSt : this.lowerSt;
    out.filetype = st.filetype;
    out.nlink = st.nlink;
    out.size = st.size;
    out.atim = st.atim;
    out.mtim = st.mtim;
    out.ctim = st.ctim;
    out.dev = this.dev;
    out.ino = this.inUpper ? this.inoOf(this.upperInos, st.ino) : this.inoOf(this.lowerInos, st.ino);
    return Errno.SUCCESS;
  }

  /**
   * The contract's errnos, decided on the merged view. A new file is created in the upper (its parents copied
   * up first); WRITE, TRUNC or APPEND on a lower file copies it up before the handle is returned.
   */
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (flags & DIRECTORY && flags & CREATE) return Errno.INVAL;
    if (name === '.') {
      if (flags & CREATE && flags & EXCL) return Errno.EXIST;
      if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
      d.refs++;
      out.value = new OvHandle(this, d, false);
      return Errno.SUCCESS;
    }
    let errno = this.lookup(d, name);
    if (errno === Errno.NOENT && flags & CREATE) return this.createFile(d, name, flags, out);
    if (errno !== Errno.SUCCESS) return errno;
    const node = this.found as OvNode;
    if (flags & CREATE && flags & EXCL) return Errno.EXIST;
    if (node.type === Filetype.SYMBOLIC_LINK) return Errno.LOOP;
    if (node.type === Filetype.DIRECTORY) {
      if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
    } else if (flags & DIRECTORY) {
      return Errno.NOTDIR;
    }
    errno = this.acquire(node);
    if (errno !== Errno.SUCCESS) return errno;
    if (node.type !== Filetype.DIRECTORY && flags & (WRITE | TRUNC | APPEND)) {
      errno = this.copyUp(node, (flags & TRUNC) === 0);
      if (errno === Errno.SUCCESS && flags & TRUNC) errno = this.upper.truncate(node.upperH as FsHandle, 0);
      if (errno !== Errno.SUCCESS) {
        this.release(node);
        return errno;
      }
    }
    out.value = new OvHandle(this, node, (flags & APPEND) !== 0);
    return Errno.SUCCESS;
  }

  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return Errno.INVAL;
    const errno = this.probe(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    return this.inUpper ? this.upper.readlinkAt(d.upperH as FsHandle, name, out) : this.lower.readlinkAt(d.lowerH as FsHandle, name, out);
  }

  /** EEXIST on the merged view (a whiteout does not count); created in the upper. */
  mkdirAt(dir: FsHandle, name: string): Errno {
    const errno = this.prepareCreate(dir, name);
    return errno !== Errno.SUCCESS ? errno : this.upper.mkdirAt((this.found as OvNode).upperH as FsHandle, name);
  }

  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    const errno = this.prepareCreate(dir, name);
    return errno !== Errno.SUCCESS ? errno : this.upper.symlinkAt(target, (this.found as OvNode).upperH as FsHandle, name);
  }

  /** Removes the upper entry if any, and whites out the lower one. An open handle keeps its data. */
  unlinkAt(dir: FsHandle, name: string): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return Errno.ISDIR;
    let errno = this.probe(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    const inLower = this.inLower;
    if ((this.inUpper ? this.upperSt : this.lowerSt).filetype === Filetype.DIRECTORY) return Errno.ISDIR;
    if (this.inUpper) {
      errno = this.upper.unlinkAt(d.upperH as FsHandle, name);
      if (errno !== Errno.SUCCESS) return errno;
    }
    if (inLower) d.masked.add(name);
    this.detach(d, name);
    return Errno.SUCCESS;
  }

  /** Empty means empty in the merged view (whited-out lower entries do not count). */
  rmdirAt(dir: FsHandle, name: string): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return Errno.INVAL;
    let errno = this.lookup(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    const node = this.found as OvNode;
    if (node.type !== Filetype.DIRECTORY) return Errno.NOTDIR;
    errno = this.checkEmpty(node);
    if (errno !== Errno.SUCCESS) return errno;
    errno = this.probe(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    const inLower = this.inLower;
    if (this.inUpper) {
      errno = this.upper.rmdirAt(d.upperH as FsHandle, name);
      if (errno !== Errno.SUCCESS) return errno;
    }
    if (inLower) d.masked.add(name);
    this.detach(d, name);
    return Errno.SUCCESS;
  }

  /**
   * POSIX checks on the merged view, then: copy the source up (a whole subtree for a directory with lower
   * contents), rename in the upper, white out the old name and hide any lower entry under the new one.
   */
  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    const od = this.dirOf(oldDir);
    if (typeof od === 'number') return od;
    const nd = this.dirOf(newDir);
    if (typeof nd === 'number') return nd;
    if (oldName === '.' || newName === '.') return Errno.INVAL;
    let errno = this.lookup(od, oldName);
    if (errno !== Errno.SUCCESS) return errno;
    const src = this.found as OvNode;
    const srcIsDir = src.type === Filetype.DIRECTORY;
    if (nd.detached) return Errno.NOENT;
    if (srcIsDir) {
      for (let p: OvNode | null = nd; p !== null; p = p.parent) if (p === src) return Errno.INVAL;
    }
    errno = this.lookup(nd, newName);
    if (errno !== Errno.SUCCESS && errno !== Errno.NOENT) return errno;
    const dst = errno === Errno.SUCCESS ? (this.found as OvNode) : null;
    if (dst !== null) {
      if (dst === src) return Errno.SUCCESS;
      const dstIsDir = dst.type === Filetype.DIRECTORY;
      if (srcIsDir && !dstIsDir) return Errno.NOTDIR;
      if (!srcIsDir && dstIsDir) return Errno.ISDIR;
      if (dstIsDir) {
        errno = this.checkEmpty(dst);
        if (errno !== Errno.SUCCESS) return errno;
      } else if (dst.ino === src.ino) {
        return Errno.SUCCESS; // two names of one file: rename(2) does nothing
      }
    }
    errno = this.acquire(src);
    if (errno !== Errno.SUCCESS) return errno;
    errno = srcIsDir ? (src.lower ? this.copyUpTree(src) : Errno.SUCCESS) : this.copyUp(src, true);
    if (errno === Errno.SUCCESS) errno = this.ensureUpper(nd);
    if (errno === Errno.SUCCESS) errno = this.upper.renameAt(od.upperH as FsHandle, oldName, nd.upperH as FsHandle, newName);
    if (errno !== Errno.SUCCESS) {
      this.release(src);
      return errno;
    }
    if (this.lowerHas(od, oldName)) od.masked.add(oldName);
    if (this.lowerHas(nd, newName)) nd.masked.add(newName);
    this.detach(nd, newName);
    od.children.delete(oldName);
    src.parent = nd;
    src.name = newName;
    nd.children.set(newName, src);
    if (srcIsDir) this.makeOpaque(src);
    this.release(src);
    return Errno.SUCCESS;
  }

  /** The source is copied up first (breaking a lower hard link, see the class comment), then linked in the upper. */
  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    const od = this.dirOf(oldDir);
    if (typeof od === 'number') return od;
    const nd = this.dirOf(newDir);
    if (typeof nd === 'number') return nd;
    if (oldName === '.') return Errno.PERM;
    if (newName === '.') return Errno.EXIST;
    let errno = this.lookup(od, oldName);
    if (errno !== Errno.SUCCESS) return errno;
    const src = this.found as OvNode;
    if (src.type === Filetype.DIRECTORY) return Errno.PERM;
    errno = this.prepareCreate(newDir, newName);
    if (errno !== Errno.SUCCESS) return errno;
    if (!this.capabilities.hardLinks) return Errno.NOTSUP;
    errno = this.acquire(src);
    if (errno !== Errno.SUCCESS) return errno;
    errno = this.copyUp(src, true);
    this.release(src);
    if (errno !== Errno.SUCCESS) return errno;
    return this.upper.linkAt(od.upperH as FsHandle, oldName, nd.upperH as FsHandle, newName);
  }

  /** Copies up (a directory: just itself), then sets the times in the upper. Both null: only checks existence. */
  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return this.setNodeTimes(d, atim, mtim);
    let errno = this.lookup(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    if (atim === null && mtim === null) return Errno.SUCCESS;
    const node = this.found as OvNode;
    errno = this.acquire(node);
    if (errno !== Errno.SUCCESS) return errno;
    errno = node.type === Filetype.DIRECTORY ? this.ensureUpper(node) : this.copyUp(node, true);
    this.release(node);
    return errno !== Errno.SUCCESS ? errno : this.upper.setTimesAt(d.upperH as FsHandle, name, atim, mtim);
  }

  // ---- handle operations ----

  typeOf(h: FsHandle): Filetype {
    return (h as OvHandle).node.type;
  }

  close(h: FsHandle): void {
    if (!(h instanceof OvHandle) || h.owner !== this || h.closed) return;
    h.closed = true;
    this.release(h.node);
  }

  stat(h: FsHandle, out: FileStat): Errno {
    const node = this.live(h);
    return node === null ? Errno.BADF : this.statNode(node, out);
  }

  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const node = this.live(h);
    if (node === null) return -Errno.BADF;
    if (node.type === Filetype.DIRECTORY) return -Errno.ISDIR;
    return node.upperH !== null
      ? this.upper.read(node.upperH, buf, off, len, position)
      : this.lower.read(node.lowerH as FsHandle, buf, off, len, position);
  }

  /** A writable handle already points at the upper copy; any other handle copies up first. */
  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const node = this.writable(h);
    if (typeof node === 'number') return -node;
    return this.upper.write(node.upperH as FsHandle, buf, off, len, (h as OvHandle).append ? -1 : position);
  }

  /** `read` of a whole iovec array: the layer's own `readv` where it has one, else its `read` per iovec. */
  readv(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
    const node = this.live(h);
    if (node === null) return -Errno.BADF;
    if (node.type === Filetype.DIRECTORY) return -Errno.ISDIR;
    const layer = node.upperH !== null ? this.upper : this.lower;
    const lh = (node.upperH ?? node.lowerH) as FsHandle;
    return layer.readv !== undefined ? layer.readv(lh, mem, iovs, count, position) : readByParts(layer, lh, mem, iovs, count, position);
  }

  /** `write` of a whole iovec array, to the upper copy as `write`: the upper's `writev`, else its `write` per iovec. */
  writev(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
    const node = this.writable(h);
    if (typeof node === 'number') return -node;
    const uh = node.upperH as FsHandle;
    const at = (h as OvHandle).append ? -1 : position;
    const upper = this.upper;
    return upper.writev !== undefined ? upper.writev(uh, mem, iovs, count, at) : writeByParts(upper, uh, mem, iovs, count, at);
  }

  truncate(h: FsHandle, size: number): Errno {
    const node = this.writable(h);
    return typeof node === 'number' ? node : this.upper.truncate(node.upperH as FsHandle, size);
  }

  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    const node = this.live(h);
    return node === null ? Errno.BADF : this.setNodeTimes(node, atim, mtim);
  }

  sync(h: FsHandle, dataOnly: boolean): Errno {
    const node = this.live(h);
    if (node === null) return Errno.BADF;
    return node.upperH !== null ? this.upper.sync(node.upperH, dataOnly) : this.lower.sync(node.lowerH as FsHandle, dataOnly);
  }

  allocate(h: FsHandle, offset: number, len: number): Errno {
    const node = this.writable(h);
    return typeof node === 'number' ? node : this.upper.allocate(node.upperH as FsHandle, offset, len);
  }

  /**
   * Upper entries first (in the upper's order), then the lower entries that are neither whited out nor shadowed
   * by an upper name: no duplicates, linear in the two listings. Inode numbers are the overlay's.
   */
  readdir(h: FsHandle, out: DirEntry[]): Errno {
    const node = this.live(h);
    if (node === null) return Errno.BADF;
    if (node.type !== Filetype.DIRECTORY) return Errno.NOTDIR;
    return this.listMerged(node, out);
  }

  // ---- lookups ----

  /** Stats `name` in both layers (upper first; lower only if visible): sets `inUpper`/`inLower` and the stats. */
  private probe(d: OvNode, name: string): Errno {
    this.inUpper = false;
    this.inLower = false;
    if (d.detached) return Errno.NOENT;
    if (d.upperH !== null) {
      const errno = this.upper.statAt(d.upperH, name, this.upperSt);
      if (errno === Errno.SUCCESS) this.inUpper = true;
      else if (errno !== Errno.NOENT) return errno;
    }
    if (d.lowerH !== null && !d.masked.has(name)) {
      const errno = this.lower.statAt(d.lowerH, name, this.lowerSt);
      if (errno === Errno.SUCCESS) this.inLower = true;
      else if (errno !== Errno.NOENT && !this.inUpper) return errno;
    }
    return this.inUpper || this.inLower ? Errno.SUCCESS : Errno.NOENT;
  }

  /** The node for `name` in `d` (cached, or made from a probe) in `found`. */
  private lookup(d: OvNode, name: string): Errno {
    const cached = d.children.get(name);
    if (cached !== undefined && !d.detached) {
      this.found = cached;
      return Errno.SUCCESS;
    }
    const errno = this.probe(d, name);
    if (errno !== Errno.SUCCESS) return errno;
    let node: OvNode;
    if (this.inUpper) {
      const type = this.upperSt.filetype as Filetype;
      const merged = this.inLower && type === Filetype.DIRECTORY && this.lowerSt.filetype === Filetype.DIRECTORY;
      node = new OvNode(d, name, type, this.inoOf(this.upperInos, this.upperSt.ino), merged, true);
    } else {
      node = new OvNode(d, name, this.lowerSt.filetype as Filetype, this.inoOf(this.lowerInos, this.lowerSt.ino), true, false);
    }
    d.children.set(name, node);
    this.found = node;
    return Errno.SUCCESS;
  }

  /** Whether the lower layer has a visible (not whited-out) entry `name` under `d`. */
  private lowerHas(d: OvNode, name: string): boolean {
    return d.lowerH !== null && !d.masked.has(name) && this.lower.statAt(d.lowerH, name, this.tmpSt) === Errno.SUCCESS;
  }

  private inoOf(map: Map<bigint, bigint>, layerIno: bigint): bigint {
    let ino = map.get(layerIno);
    if (ino === undefined) {
      ino = this.nextIno++;
      map.set(layerIno, ino);
    }
    return ino;
  }

  // ---- pinning: layer handles are open while a node is referenced ----

  /**
   * Pins `node`, opening its layer handles if it had none: through its parent's, which are opened the same way
   * (and released once the child is open). Iterative: how deep a tree is, is the guest's choice. The root is
   * pinned for the overlay's life, so the climb always ends.
   */
  private acquire(node: OvNode): Errno {
    if (node.refs++ > 0 || (node.type !== Filetype.DIRECTORY && node.type !== Filetype.REGULAR_FILE)) return Errno.SUCCESS;
    node.refs--;
    const chain: OvNode[] = [];
    for (let n: OvNode = node; n.refs === 0; n = n.parent as OvNode) chain.push(n);
    let errno: Errno = Errno.SUCCESS;
    let opened = chain.length; // chain[opened..] are pinned by this call
    while (opened > 0) {
      const n = chain[opened - 1];
      n.refs++;
      errno = this.openLayers(n, n.parent as OvNode);
      if (errno !== Errno.SUCCESS) {
        n.refs--;
        break;
      }
      opened--;
    }
    // Keep only `node` pinned; its ancestors were pinned just long enough to open it.
    for (let i = Math.max(opened, 1); i < chain.length; i++) this.release(chain[i]);
    return errno;
  }

  private openLayers(node: OvNode, parent: OvNode): Errno {
    const ref = this.ref;
    const isDir = node.type === Filetype.DIRECTORY;
    if (node.upper) {
      let errno = this.upper.openAt(parent.upperH as FsHandle, node.name, isDir ? DIR_OPEN : READ | WRITE, ref);
      if (!isDir && (errno === Errno.ACCES || errno === Errno.ROFS)) errno = this.upper.openAt(parent.upperH as FsHandle, node.name, READ, ref);
      if (errno !== Errno.SUCCESS) return errno;
      node.upperH = ref.value;
    }
    if (node.lower) {
      const errno = this.lower.openAt(parent.lowerH as FsHandle, node.name, isDir ? DIR_OPEN : READ, ref);
      if (errno !== Errno.SUCCESS) {
        this.closeLayers(node);
        return errno;
      }
      node.lowerH = ref.value;
    }
    ref.value = null;
    return Errno.SUCCESS;
  }

  private release(node: OvNode): void {
    if (--node.refs === 0) this.closeLayers(node);
  }

  private closeLayers(node: OvNode): void {
    if (node.upperH !== null) this.upper.close(node.upperH);
    if (node.lowerH !== null) this.lower.close(node.lowerH);
    node.upperH = null;
    node.lowerH = null;
  }

  // ---- copy-up ----

  /**
   * Makes sure directory `node` (pinned) exists in the upper, copying up its missing ancestors first, top down,
   * each pinned while its child is made (iterative: the depth is the guest's choice).
   */
  private ensureUpper(node: OvNode): Errno {
    if (node.upper) return Errno.SUCCESS;
    const chain: OvNode[] = [];
    for (let n: OvNode = node; !n.upper; n = n.parent as OvNode) {
      if (n.detached) return Errno.NOENT;
      chain.push(n);
    }
    let parent = chain[chain.length - 1].parent as OvNode;
    let errno = this.acquire(parent);
    if (errno !== Errno.SUCCESS) return errno;
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i];
      errno = this.copyEntryUp(c, parent);
      if (errno === Errno.SUCCESS) errno = this.acquire(c);
      this.release(parent);
      if (errno !== Errno.SUCCESS) return errno;
      parent = c;
    }
    this.release(parent);
    return Errno.SUCCESS;
  }

  /** Copies up a non-directory `node` (pinned); `withData` false for a copy about to be truncated. */
  private copyUp(node: OvNode, withData: boolean): Errno {
    if (node.type === Filetype.DIRECTORY) return this.ensureUpper(node);
    if (!node.lower) return Errno.SUCCESS;
    if (node.detached) return Errno.NOENT; // an unlinked lower file has no name to be copied up under
    const parent = node.parent as OvNode;
    let errno = this.acquire(parent);
    if (errno !== Errno.SUCCESS) return errno;
    errno = this.ensureUpper(parent);
    if (errno === Errno.SUCCESS) errno = this.copyEntryUp(node, parent, withData);
    this.release(parent);
    return errno;
  }

  /**
   * Creates `node` in `parent`'s upper directory from its lower entry (a directory, a symlink or a regular file's
   * data) with the lower's times, keeping the parent's upper times as they were.
   */
  private copyEntryUp(node: OvNode, parent: OvNode, withData = true): Errno {
    const upper = this.upper;
    const up = parent.upperH as FsHandle;
    const parentTimes = this.tmpSt;
    let errno = upper.stat(up, parentTimes);
    if (errno !== Errno.SUCCESS) return errno;
    const keepA = parentTimes.atim;
    const keepM = parentTimes.mtim;
    const lst = this.lowerSt;
    errno = this.lower.statAt(parent.lowerH as FsHandle, node.name, lst);
    if (errno !== Errno.SUCCESS) return errno;
    const { atim, mtim, nlink } = lst;
    const ref = this.ref;
    if (node.type === Filetype.DIRECTORY) {
      errno = upper.mkdirAt(up, node.name);
      if (errno === Errno.SUCCESS) errno = upper.setTimesAt(up, node.name, atim, mtim);
      if (errno === Errno.SUCCESS && node.refs > 0) {
        errno = upper.openAt(up, node.name, DIR_OPEN, ref);
        if (errno === Errno.SUCCESS) node.upperH = ref.value;
      }
    } else if (node.type === Filetype.SYMBOLIC_LINK) {
      errno = this.lower.readlinkAt(parent.lowerH as FsHandle, node.name, this.textRef);
      if (errno === Errno.SUCCESS) errno = upper.symlinkAt(this.textRef.value, up, node.name);
      if (errno === Errno.SUCCESS) errno = upper.setTimesAt(up, node.name, atim, mtim);
    } else if (node.type === Filetype.REGULAR_FILE) {
      errno = upper.openAt(up, node.name, READ | WRITE | CREATE | EXCL, ref);
      if (errno !== Errno.SUCCESS) return errno;
      const h = ref.value as FsHandle;
      errno = withData ? this.copyData(node.lowerH as FsHandle, h) : Errno.SUCCESS;
      if (errno === Errno.SUCCESS) errno = upper.setTimes(h, atim, mtim);
      if (errno !== Errno.SUCCESS) {
        upper.close(h);
        upper.unlinkAt(up, node.name); // nothing half-copied stays behind
        return errno;
      }
      node.upperH = h;
      if (node.lowerH !== null) this.lower.close(node.lowerH);
      node.lowerH = null;
    } else {
      return Errno.NOTSUP;
    }
    if (errno !== Errno.SUCCESS) return errno;
    // The upper copy takes over the overlay inode number, unless that would merge it with the lower names it
    // is no longer linked to (a broken hard link gets a fresh number).
    if (node.type !== Filetype.DIRECTORY && nlink > 1n) node.ino = this.nextIno++;
    if (upper.statAt(up, node.name, this.upperSt) === Errno.SUCCESS) this.upperInos.set(this.upperSt.ino, node.ino);
    node.upper = true;
    if (node.type !== Filetype.DIRECTORY) node.lower = false;
    upper.setTimes(up, keepA, keepM);
    return Errno.SUCCESS;
  }

  private copyData(from: FsHandle, to: FsHandle): Errno {
    const buf = (this.copyBuf ??= new Uint8Array(COPY_CHUNK));
    let pos = 0;
    for (;;) {
      const n = this.lower.read(from, buf, 0, buf.length, pos);
      if (n < 0) return -n as Errno;
      if (n === 0) return Errno.SUCCESS;
      for (let done = 0; done < n; ) {
        const w = this.upper.write(to, buf, done, n - done, pos + done);
        if (w < 0) return -w as Errno;
        if (w === 0) return Errno.IO;
        done += w;
      }
      pos += n;
    }
  }

  /**
   * Copies a directory (pinned) and everything below it up, so it can be moved without its lower. Depth-first
   * with an explicit stack (no recursion on the guest's depth); each directory on the stack is pinned.
   */
  private copyUpTree(top: OvNode): Errno {
    let errno = this.ensureUpper(top);
    if (errno !== Errno.SUCCESS) return errno;
    const stack: { node: OvNode; entries: DirEntry[]; next: number }[] = [];
    const enter = (node: OvNode): Errno => {
      const entries: DirEntry[] = [];
      const e = this.listMerged(node, entries);
      if (e === Errno.SUCCESS) stack.push({ node, entries, next: 0 });
      return e;
    };
    errno = enter(top);
    while (errno === Errno.SUCCESS && stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.entries.length) {
        stack.pop();
        if (frame.node !== top) this.release(frame.node);
        continue;
      }
      errno = this.lookup(frame.node, frame.entries[frame.next++].name);
      if (errno !== Errno.SUCCESS) break;
      const child = this.found as OvNode;
      if (!child.lower) continue;
      errno = this.acquire(child);
      if (errno !== Errno.SUCCESS) break;
      if (child.type === Filetype.DIRECTORY) {
        errno = this.ensureUpper(child);
        if (errno === Errno.SUCCESS) errno = enter(child); // the frame keeps the pin
        if (errno !== Errno.SUCCESS) this.release(child);
      } else {
        errno = this.copyUp(child, true);
        this.release(child);
      }
    }
    for (const frame of stack) if (frame.node !== top) this.release(frame.node);
    return errno;
  }

  /** After a move, a directory subtree has nothing below it in the lower any more (iterative over its depth). */
  private makeOpaque(top: OvNode): void {
    const stack: OvNode[] = [top];
    while (stack.length > 0) {
      const node = stack.pop() as OvNode;
      node.lower = false;
      node.masked.clear();
      if (node.lowerH !== null) this.lower.close(node.lowerH);
      node.lowerH = null;
      for (const child of node.children.values()) if (child.type === Filetype.DIRECTORY) stack.push(child);
    }
  }

  // ---- helpers ----

  /** Checks that `name` is free in `d` and makes `d` exist in the upper; the directory node ends up in `found`. */
  private prepareCreate(dir: FsHandle, name: string): Errno {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return Errno.EXIST;
    let errno = this.probe(d, name);
    if (errno === Errno.SUCCESS) return Errno.EXIST;
    if (errno !== Errno.NOENT) return errno;
    errno = this.ensureUpper(d);
    this.found = d;
    return errno;
  }

  private createFile(d: OvNode, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    let errno = this.ensureUpper(d);
    if (errno !== Errno.SUCCESS) return errno;
    const ref = this.ref;
    errno = this.upper.openAt(d.upperH as FsHandle, name, READ | WRITE | CREATE | EXCL, ref);
    if (errno !== Errno.SUCCESS) return errno;
    const h = ref.value as FsHandle;
    ref.value = null;
    errno = this.upper.stat(h, this.upperSt);
    if (errno !== Errno.SUCCESS) {
      this.upper.close(h);
      return errno;
    }
    const node = new OvNode(d, name, Filetype.REGULAR_FILE, this.inoOf(this.upperInos, this.upperSt.ino), false, true);
    node.refs = 1;
    node.upperH = h;
    d.children.set(name, node);
    out.value = new OvHandle(this, node, (flags & APPEND) !== 0);
    return Errno.SUCCESS;
  }

  /** Drops the cached node of a name that no longer exists (open handles keep it alive, detached). */
  private detach(d: OvNode, name: string): void {
    const node = d.children.get(name);
    if (node === undefined) return;
    d.children.delete(name);
    node.detached = true;
  }

  /** ENOTEMPTY unless directory `node` has no entry in the merged view. */
  private checkEmpty(node: OvNode): Errno {
    let errno = this.acquire(node);
    if (errno !== Errno.SUCCESS) return errno;
    const entries: DirEntry[] = [];
    errno = this.listMerged(node, entries);
    this.release(node);
    if (errno !== Errno.SUCCESS) return errno;
    return entries.length === 0 ? Errno.SUCCESS : Errno.NOTEMPTY;
  }

  private listMerged(node: OvNode, out: DirEntry[]): Errno {
    out.length = 0;
    if (node.detached) return Errno.SUCCESS; // a removed directory lists as empty (Linux)
    let seen: Set<string> | null = null;
    if (node.upperH !== null) {
      const errno = this.upper.readdir(node.upperH, out);
      if (errno !== Errno.SUCCESS) return errno;
      for (const e of out) e.ino = this.inoOf(this.upperInos, e.ino);
    }
    if (node.lowerH !== null) {
      const lowerEntries: DirEntry[] = [];
      const errno = this.lower.readdir(node.lowerH, lowerEntries);
      if (errno !== Errno.SUCCESS) {
        out.length = 0;
        return errno;
      }
      if (out.length > 0) seen = new Set(out.map((e) => e.name));
      for (const e of lowerEntries) {
        if (node.masked.has(e.name) || (seen !== null && seen.has(e.name))) continue;
        out.push({ name: e.name, ino: this.inoOf(this.lowerInos, e.ino), filetype: e.filetype });
      }
    }
    return Errno.SUCCESS;
  }

  private statNode(node: OvNode, out: FileStat): Errno {
    const errno = node.upperH !== null ? this.upper.stat(node.upperH, out) : node.lowerH !== null ? this.lower.stat(node.lowerH, out) : Errno.BADF;
    if (errno !== Errno.SUCCESS) return errno;
    out.dev = this.dev;
    out.ino = node.ino;
    return Errno.SUCCESS;
  }

  private setNodeTimes(node: OvNode, atim: bigint | null, mtim: bigint | null): Errno {
    if (atim === null && mtim === null) return Errno.SUCCESS;
    const errno = this.copyUp(node, true);
    return errno !== Errno.SUCCESS ? errno : this.upper.setTimes(node.upperH as FsHandle, atim, mtim);
  }

  private live(h: FsHandle): OvNode | null {
    return h instanceof OvHandle && h.owner === this && !h.closed ? h.node : null;
  }

  /** The node of a live directory handle of ours; EBADF or ENOTDIR otherwise. */
  private dirOf(h: FsHandle): OvNode | Errno {
    const node = this.live(h);
    if (node === null) return Errno.BADF;
    return node.type === Filetype.DIRECTORY ? node : Errno.NOTDIR;
  }

  /** The node of a live file handle, copied up so it can be changed; EBADF, EISDIR or the copy-up's errno. */
  private writable(h: FsHandle): OvNode | Errno {
    const node = this.live(h);
    if (node === null) return Errno.BADF;
    if (node.type === Filetype.DIRECTORY) return Errno.ISDIR;
    const errno = this.copyUp(node, true);
    return errno !== Errno.SUCCESS ? errno : node;
  }
}
