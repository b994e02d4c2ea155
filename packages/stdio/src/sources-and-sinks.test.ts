import { PassThrough, Readable, Writable } from 'node:stream';
import { Errno, Filetype, newFileStat, READABLE_EOF } from '@vos/core';
import { BufferSource } from './buffer-source';
import { CallbackSink } from './callback-sink';
import { CallbackSource } from './callback-source';
import { CollectorSink } from './collector-sink';
import { WritableSink } from './writable-sink';
import { HostFdStream } from './host-fd-stream';
import { NullStream } from './null-stream';
import { createStdio, createStdioAsync } from './create-stdio';
import { readableContent } from './readable-content';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('CallbackSource', () => {
  test('asks only when what it was given is used up, never for more than the read wants; null ends it', () => {
    const answers: (string | Uint8Array | null)[] = ['hello\n', bytes(0x41, 0x42), null, 'never asked'];
    const asked: number[] = [];
    const s = new CallbackSource((max) => {
      asked.push(max);
      return answers.shift() ?? null;
    });
    const buf = new Uint8Array(4);
    expect(s.readable()).toBe(-1);
    expect(s.read(buf, 0, 4)).toBe(4);
    expect(Buffer.from(buf).toString()).toBe('hell');
    expect(s.readable()).toBe(2);
    expect(s.read(buf, 0, 4)).toBe(2); // the rest of the first answer, without asking
    expect(s.read(buf, 1, 3)).toBe(2);
    expect(Array.from(buf.subarray(1, 3))).toEqual([0x41, 0x42]);
    expect(s.read(buf, 0, 4)).toBe(0);
    expect(s.read(buf, 0, 4)).toBe(0); // EOF forever: not asked again
    expect(asked).toEqual([4, 3, 4]);
    expect(s.readable()).toBe(READABLE_EOF); // poll_oneoff reports the hang-up once the callback ended the input
  });

  test('an empty answer ends the input; a throwing or wrong-typed callback fails the read with EIO', () => {
    expect(new CallbackSource(() => '').read(new Uint8Array(4), 0, 4)).toBe(0);
    expect(new CallbackSource(() => { throw new Error('no'); }).read(new Uint8Array(4), 0, 4)).toBe(-Errno.IO);
    expect(new CallbackSource(() => 42 as never).read(new Uint8Array(4), 0, 4)).toBe(-Errno.IO);
  });

  test('keeps its own copy of an answer; refuses writes', () => {
    const shared = bytes(1, 2, 3, 4);
    const s = new CallbackSource(() => shared);
    const buf = new Uint8Array(2);
    s.read(buf, 0, 2);
    shared.fill(9);
    s.read(buf, 0, 2);
    expect(Array.from(buf)).toEqual([3, 4]);
    expect(s.write(buf, 0, 2)).toBe(-Errno.BADF);
  });

  test('createStdio takes a function as stdin', () => {
    const stdio = createStdio({ stdin: () => 'x', stdout: 'null', stderr: 'null' });
    expect(stdio.stdin).toBeInstanceOf(CallbackSource);
  });
});

describe('BufferSource', () => {
  test('partial reads in order, then EOF forever; readable() tracks what is left', () => {
    const s = new BufferSource('abcdef');
    const buf = new Uint8Array(8).fill(0x2e);
    expect(s.readable()).toBe(6);
    expect(s.read(buf, 1, 4)).toBe(4);
    expect(s.readable()).toBe(2);
    expect(s.read(buf, 5, 3)).toBe(2);
    expect(Buffer.from(buf).toString()).toBe('.abcdef.');
    expect(s.read(buf, 0, 8)).toBe(0);
    expect(s.read(buf, 0, 8)).toBe(0);
    expect(s.readable()).toBe(READABLE_EOF);
  });

  test('copies its content, refuses writes, is not a terminal', () => {
    const content = bytes(1, 2, 3);
    const s = new BufferSource(content);
    content[0] = 9;
    const buf = new Uint8Array(3);
    s.read(buf, 0, 3);
    expect(buf).toEqual(bytes(1, 2, 3));
    expect(s.write(buf, 0, 3)).toBe(-Errno.BADF);
    const st = newFileStat();
    expect(s.stat(st)).toBe(Errno.SUCCESS);
    expect(s.filetype).toBe(Filetype.UNKNOWN);
    expect(st.filetype).toBe(Filetype.UNKNOWN);
  });
});

describe('CallbackSink', () => {
  test('hands over exact copies, one per write; a throwing callback is EIO', () => {
    const got: Uint8Array[] = [];
    const s = new CallbackSink((c) => got.push(c));
    const guest = bytes(0xe2, 0x9c, 0x93, 0xff);
    expect(s.write(guest, 1, 2)).toBe(2);
    guest[1] = 0;
    expect(got).toEqual([bytes(0x9c, 0x93)]);
    expect(s.read(guest, 0, 1)).toBe(-Errno.BADF);
    expect(new CallbackSink(() => { throw new Error('x'); }).write(guest, 0, 1)).toBe(-Errno.IO);
  });
});

describe('CollectorSink', () => {
  test('collects across growth; text() decodes characters split across writes and keeps a BOM', () => {
    const s = new CollectorSink();
    const text = '\ufeff' + 'ü✓🎉'.repeat(3000);
    const all = new TextEncoder().encode(text);
    for (let off = 0; off < all.length; off += 5) s.write(all, off, Math.min(5, all.length - off));
    expect(s.length).toBe(all.length);
    expect(s.bytes()).toEqual(all);
    expect(s.text()).toBe(text);
    s.clear();
    expect(s.text()).toBe('');
  });
});

describe('WritableSink', () => {
  test('writes Buffers (bytes unchanged), keeps them past the high-water mark, drains after', async () => {
    const pt = new PassThrough({ highWaterMark: 4 });
    const s = new WritableSink(pt);
    expect(s.write(bytes(0xff, 0xfe, 0x00, 0x80, 0x41), 0, 5)).toBe(5);
    expect(s.write(bytes(0x42), 0, 1)).toBe(1);
    const drained = s.drained();
    const chunks: Buffer[] = [];
    pt.on('data', (c: Buffer) => chunks.push(c));
    await drained;
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41, 0x42]));
  });

  test('an ended or failed Writable gives EPIPE', () => {
    const w = new Writable({ write: (_c, _e, cb) => cb(new Error('broken')) });
    const s = new WritableSink(w);
    w.end();
    expect(s.write(bytes(1), 0, 1)).toBe(-Errno.PIPE);
  });
});

describe('createStdio', () => {
  test('maps every form to its stream', () => {
    const collector = new CollectorSink();
    const a = createStdio({ stdin: 'text', stdout: () => {}, stderr: collector });
    expect(a.stdin).toBeInstanceOf(BufferSource);
    expect(a.stdout).toBeInstanceOf(CallbackSink);
    expect(a.stderr).toBe(collector);
    const b = createStdio({ stdin: bytes(1), stdout: new PassThrough(), stderr: 'null' });
    expect(b.stdin).toBeInstanceOf(BufferSource);
    expect(b.stdout).toBeInstanceOf(WritableSink);
    expect(b.stderr).toBeInstanceOf(NullStream);
    const c = createStdio();
    expect([c.stdin, c.stdout, c.stderr].map((s) => (s as HostFdStream).fd)).toEqual([0, 1, 2]);
    const d = createStdio({ stdin: 'null', stdout: 7, stderr: 'inherit' });
    expect(d.stdin).toBeInstanceOf(NullStream);
    expect((d.stdout as HostFdStream).fd).toBe(7);
    expect((d.stderr as HostFdStream).fd).toBe(2);
  });

  test('refuses forms that do not fit, and a Readable in the synchronous factory', () => {
    expect(() => createStdio({ stdout: 'text' as never })).toThrow(TypeError);
    expect(() => createStdio({ stdin: {} as never })).toThrow(TypeError);
    expect(() => createStdio({ stdin: true as never })).toThrow(TypeError);
    expect(() => createStdio({ stdin: Readable.from(['x']) as never })).toThrow(/createStdioAsync/);
  });

  test('createStdioAsync reads a Readable to the end first', async () => {
    const stdio = await createStdioAsync({ stdin: Readable.from(['ab', Buffer.from('cd')]), stdout: 'null', stderr: 'null' });
    const buf = new Uint8Array(8);
    expect(stdio.stdin.read(buf, 0, 8)).toBe(4);
    expect(Buffer.from(buf.subarray(0, 4)).toString()).toBe('abcd');
    expect((await readableContent(Readable.from([]))).length).toBe(0);
  });
});
