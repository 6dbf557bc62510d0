#!/usr/bin/env node
// The only place snapplan exits the process. Everything else returns an exit code.
import { main } from '../dist/bundle/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
