import { runCli } from './run.js';

// The `tollgate` command: npm run cli -- ..., or the bin.
process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
});
