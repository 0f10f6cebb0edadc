#!/usr/bin/env node
// The orca CLI. Built by `npm run build` (run by `npm ci` / `npm install`).
import { main, onStrayRejection } from '../dist/cli/main.js';

process.on('unhandledRejection', onStrayRejection);
process.exitCode = await main(process.argv.slice(2));
