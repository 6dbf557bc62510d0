// `npm run bench`: every benchmark, each in its own process, output as Markdown. Each reports
// ratios against a baseline measured in the same run (bare Node, `ldb scan`, `cp`, the seed's
// `tar | pzstd`, `curl -o`, `zstd -t`), never absolute targets: the machine varies, the ratios are what
// docs/PERFORMANCE.md records.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const benches = ['plan.mjs', 'node-versions.mjs', 'blockstore.mjs', 'quarantine.mjs', 'archive.mjs', 'fetch.mjs'].filter((name) => existsSync(path.join(here, name)));
let failed = false;
// Start-up and throughput differ between Node releases (issue 17): every run says which it used.
console.log(`Node.js ${process.version} (${process.execPath}) on ${process.platform} ${process.arch}`);
for (const name of benches) {
  console.log(`\n<!-- bench/${name} -->`);
  const result = spawnSync(process.execPath, [path.join(here, name)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed = true;
    console.log(`\n**bench/${name} exited with ${result.status ?? result.signal}**`);
  }
}
process.exitCode = failed ? 1 : 0;
