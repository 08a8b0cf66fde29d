#!/usr/bin/env node
// The `fairlink` command: starts the built CLI in dist/ (`npm ci` builds it through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'fairlink: the build is missing (dist/bundle/cli.js): run npm ci (or npm run build) first\n',
  );
  process.exitCode = 2;
} else {
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
