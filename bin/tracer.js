#!/usr/bin/env node
// Entry point of the `tracer` command. TypeScript sources run through tsx's loader,
// so there is no build step between a checkout and a running server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
