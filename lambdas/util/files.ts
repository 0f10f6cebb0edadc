import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { YAMLParseError } from 'yaml';
import { OrcaError } from './errors.js';
import { TooDeepError } from './depth.js';
import { parseYamlText } from './yaml.js';

/** A file that cannot be read or parsed (exit code 2 in the CLI), as opposed to an invalid one. */
export class UnreadableFileError extends OrcaError {
  static override readonly errorName = 'UnreadableFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Parses JSON or YAML text; YAML is a superset of JSON, the extension only picks the error wording. */
export function parseDocument(text: string, file: string): unknown {
  try {
    if (extname(file).toLowerCase() === '.json') return JSON.parse(text);
    return parseYamlText(text);
  } catch (e) {
    if (e instanceof TooDeepError) throw new UnreadableFileError(file, `cannot be read safely: ${e.message}`);
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      throw new UnreadableFileError(
        file,
        `not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${e.message.split('\n')[0]}`,
      );
    }
    throw new UnreadableFileError(file, `not valid JSON: ${(e as Error).message}`);
  }
}

export function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UnreadableFileError(
      file,
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (e as Error).message})`,
    );
  }
  return parseDocument(text, file);
}
