import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { expect, it } from 'vitest';

// The linter keeps core free of the platform; prove the rule fires, so a passing lint means something.
it('the linter refuses platform modules and globals in packages/core', async () => {
  const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
  const source = [
    "import { readFile } from 'node:fs/promises';",
    "import { get } from 'idb-keyval';",
    "import { createHash } from 'crypto';",
    'export const x = [readFile, get, createHash, window.location, document.title, localStorage.length, indexedDB];',
    '',
  ].join('\n');
  const [result] = await eslint.lintText(source, { filePath: 'packages/core/src/leak.ts' });
  const messages = result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  expect(messages.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(3);
  expect(messages.filter((m) => m.startsWith('no-restricted-globals'))).toHaveLength(4);

  const [elsewhere] = await eslint.lintText(source, { filePath: 'packages/browser/src/fine.ts' });
  expect(elsewhere!.messages.filter((m) => m.ruleId?.startsWith('no-restricted'))).toEqual([]);
});
