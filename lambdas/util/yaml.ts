/**
 * YAML text to a value, for campaign files and API bodies alike: the text is pre-scanned for
 * nesting (see depth.ts), aliases are bounded, and what the `yaml` package only warns about (an
 * unknown tag such as `!!js/function`) is an error, as a YAMLParseError with its position, instead
 * of a process warning printed to the terminal and a value taken as a plain string.
 */
import { parseDocument, YAMLParseError } from 'yaml';
import { checkYamlText } from './depth.js';

export function parseYamlText(text: string): unknown {
  checkYamlText(text);
  const doc = parseDocument(text, { logLevel: 'silent' });
  const [problem] = [...doc.errors, ...doc.warnings];
  if (problem) {
    if (problem instanceof YAMLParseError) throw problem;
    const error = new YAMLParseError(problem.pos, problem.code, problem.message);
    error.linePos = problem.linePos;
    throw error;
  }
  return doc.toJS({ maxAliasCount: 100 });
}
