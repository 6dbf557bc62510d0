import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'vitest';

const dir = path.resolve(import.meta.dirname, '../../src/output');
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const validateFetch = ajv.compile(JSON.parse(readFileSync(path.join(dir, 'fetch.schema.json'), 'utf8')) as object);
const validatePlan = ajv.compile(JSON.parse(readFileSync(path.join(dir, 'plan.schema.json'), 'utf8')) as object);

/** Asserts that a `fetch --json` document matches its schema, and its embedded plan the plan schema. */
export function expectFetchSchema(document: unknown): void {
  validateFetch(document);
  expect(validateFetch.errors ?? [], JSON.stringify(document).slice(0, 400)).toEqual([]);
  const doc = document as { ok: boolean; exitCode: number; plan: unknown };
  expect(doc.ok).toBe(doc.exitCode === 0);
  if (doc.plan !== null) {
    validatePlan(doc.plan);
    expect(validatePlan.errors ?? []).toEqual([]);
  }
}
