/**
 * The integration test integ-runner runs (`npm run integ`: deploy, assert, destroy; needs AWS
 * credentials and a bootstrapped account). At synth it generates a 400-profile data set dated today
 * and runs the flagship campaign on it with the embedded runtime; the deployed run must give the
 * same row count on every transition. Run it on the day it is synthesized (dates are relative).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integApp } from './app.js';
import { embeddedCounts, generateIntegData } from './embedded.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'orca-integ-'));
await generateIntegData(dataRoot, process.env.ORCA_INTEG_AS_OF ?? new Date().toISOString().slice(0, 10));
const expected = await embeddedCounts(dataRoot);
integApp({ dataRoot, expected }).app.synth();
