// `node --import ./bench/trace-loads.mjs …` writes every module URL the program loads to the
// file named by $SNAPPLAN_TRACE_LOADS, so a test or benchmark can prove what was not loaded
// (Ink and React must never be for `plan`).
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const out = process.env.SNAPPLAN_TRACE_LOADS;
if (out) {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => appendFileSync(out, `${url}\n`));
  port1.unref();
  register('./trace-loads-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
}
