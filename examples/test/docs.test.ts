// The docs' code samples are files that the test command type-checks (and, for some, runs): every block marked
// `<!-- file: path -->` must be that file, to the character, so a README can never show code that does not compile.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const markdown = [
  'README.md',
  ...readdirSync(join(root, 'packages')).map((p) => `packages/${p}/README.md`),
  ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : []),
].filter((file) => existsSync(join(root, file)));

const samples = markdown.flatMap((file) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map((m) => [file, m[1]!, m[2]!] as const),
);

it('the docs have code samples taken from files', () => {
  expect(samples.length).toBeGreaterThanOrEqual(10);
  expect(markdown).toContain('packages/dev-server/README.md');
});

it.each(samples)('%s shows %s exactly as it is', (_doc, path, shown) => {
  expect(shown).toBe(readFileSync(join(root, path), 'utf8').trimEnd());
});

it.each(markdown)('%s has no code sample that is not taken from a file (except shell commands)', (file) => {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks = [...text.matchAll(/(<!-- file: \S+ -->\n)?```(\w*)\n/g)].filter((_, i) => i % 2 === 0);
  const loose = blocks.filter((m) => !m[1] && m[2] !== 'sh' && m[2] !== '');
  expect(loose.map((m) => m[0])).toEqual([]);
});
