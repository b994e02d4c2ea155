import type { Readable } from 'node:stream';

/**
 * Reads a Node `Readable` to its end and gives its bytes, for use as stdin.
 *
 * Why not read the Readable while the guest runs: the guest is synchronous, and a Readable only produces data
 * when the event loop runs, which it cannot do while the guest blocks in `fd_read`. So a Readable feeds stdin
 * by being read to the end first (`createStdioAsync` does this for you). For input that is truly interactive or
 * unbounded, give the guest a host fd (a pipe or FIFO) instead: `HostFdStream` blocks on it properly.
 * Chunks are kept as bytes (a string chunk from a stream with an encoding is encoded back as UTF-8).
 */
export async function readableContent(readable: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}
