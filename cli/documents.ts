/**
 * A campaign (or job) file read for a command, its errors worded for the CLI. Apart from
 * load.ts, which brings the validator and the compiler: a command that only sends a file to an
 * API (`orca publish --endpoint`) loads neither.
 */
import { readDocument, UnreadableFileError } from '../lambdas/util/files.js';
import { CliError } from './output.js';

export function readCampaign(file: string): unknown {
  try {
    return readDocument(file);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new CliError(e.message, 2);
    throw e;
  }
}
