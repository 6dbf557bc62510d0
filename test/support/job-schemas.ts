import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'vitest';

const dir = path.resolve(import.meta.dirname, '../../src/output');
const ajv = new Ajv2020.default({ allErrors: true, strict: true });
for (const name of ['backup', 'restore']) ajv.addSchema(JSON.parse(readFileSync(path.join(dir, `${name}.schema.json`), 'utf8')) as object, `${name}.schema.json`);

/** Asserts that a `backup --json` / `restore --json` document matches its published schema. */
export function expectJobSchema(kind: 'backup' | 'restore', document: unknown): void {
  const validate = ajv.getSchema(`${kind}.schema.json`);
  if (!validate) throw new Error(`no schema for ${kind}`);
  const valid = validate(document);
  expect(validate.errors ?? [], JSON.stringify(document).slice(0, 400)).toEqual([]);
  expect(valid).toBe(true);
  // ok and exitCode always agree.
  const doc = document as { ok: boolean; exitCode: number; type: string; error: unknown };
  expect(doc.ok).toBe(doc.exitCode === 0);
  expect(doc.type === 'command-failed').toBe(doc.error !== null);
}
