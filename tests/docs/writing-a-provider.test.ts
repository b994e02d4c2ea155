/**
 * Every code block of docs/writing-a-provider.md is part of a file that a test runs (the examples in
 * docs/examples/, run by tests/docs/*.test.ts and tests/testkit/*.test.ts), so the page shows code that works.
 * Blocks are compared line by line with leading whitespace ignored (a block may show a method out of its class).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '../..');
const lines = (text: string): string => text.split('\n').map((l) => l.trim()).join('\n');

const sources = ['docs/examples', 'tests/docs', 'tests/testkit'].flatMap((dir) =>
  fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => ({ file: `${dir}/${f}`, text: lines(fs.readFileSync(path.join(root, dir, f), 'utf8')) })),
);
const page = fs.readFileSync(path.join(root, 'docs/writing-a-provider.md'), 'utf8');
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());

test('the page has code blocks', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
});

test.each(blocks.map((b, i) => [i + 1, b]))('code block %i is part of a tested file', (_n, block) => {
  const wanted = lines(block as string);
  const found = sources.filter((s) => s.text.includes(wanted)).map((s) => s.file);
  expect(found.length).toBeGreaterThan(0);
});
