/**
 * @module shared/privacy/dp/randomness-source.test
 * A source scan of this folder: privacy noise may come only from crypto.getRandomValues, never from
 * the language's built-in generator nor from the seeded PRNG of shared/random.
 */
import { describe, expect, it } from 'vitest';

interface Fs {
  readdir(path: string): Promise<string[]>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

// Loaded by name at run time so that shared/ stays free of Node types (edge/tsconfig has none).
const FS_MODULE: string = 'node:fs/promises';
const here = (import.meta as unknown as { dirname: string }).dirname;

async function sources(): Promise<Array<{ name: string; text: string }>> {
  const fs = (await import(/* @vite-ignore */ FS_MODULE)) as Fs;
  const names = (await fs.readdir(here)).filter((name) => name.endsWith('.ts'));
  return Promise.all(names.map(async (name) => ({ name, text: await fs.readFile(`${here}/${name}`, 'utf8') })));
}

describe('randomness in shared/privacy/dp', () => {
  it('never uses the built-in Math generator in any file of the folder, tests included', async () => {
    const builtIn = new RegExp(['Math', '\\s*(\\.\\s*random|\\[\\s*[\'"`]random)'].join(''));
    const files = await sources();
    expect(files.length).toBeGreaterThan(10);
    for (const { name, text } of files) expect(builtIn.test(text), name).toBe(false);
  });

  it('never imports the seeded, predictable PRNG', async () => {
    const seededImport = /(from|import)\s*\(?\s*['"][^'"]*seeded-rng/;
    for (const { name, text } of await sources()) expect(seededImport.test(text), name).toBe(false);
  });

  it('calls crypto.getRandomValues in exactly one place, the secure generator', async () => {
    const callers = (await sources()).filter(({ name, text }) => !name.endsWith('.test.ts') && text.includes('crypto.getRandomValues('));
    expect(callers.map((f) => f.name)).toEqual(['secure-random.ts']);
  });
});
