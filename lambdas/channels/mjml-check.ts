/**
 * Whether an MJML document is valid, synchronously like validation: mjml2html is asynchronous, but
 * its parser and validator are not (they register the same components once `mjml` is loaded).
 * The prepared step of each run compiles the document once (templates.ts compileMjml; lambdas/orchestrator/send.ts).
 */
import { createRequire } from 'node:module';

interface MjmlNode {
  tagName: string;
  children?: MjmlNode[];
}
interface MjmlParts {
  parse(mjml: string, options: Record<string, unknown>): MjmlNode;
  validate(node: MjmlNode, options: Record<string, unknown>): Array<{ line: number; message: string }>;
  options: Record<string, unknown>;
}

let parts: MjmlParts | undefined;

/** mjml2html is asynchronous; its parser and validator are not (and register the same components once `mjml` is loaded). */
function mjmlParts(): MjmlParts {
  if (parts) return parts;
  const require = createRequire(import.meta.url);
  require('mjml');
  const core = require('mjml-core') as { components: Record<string, unknown>; initializeType: unknown };
  const validator = require('mjml-validator') as {
    default: MjmlParts['validate'];
    dependencies: Record<string, unknown>;
  };
  const parser = require('mjml-parser-xml') as MjmlParts['parse'] | { default: MjmlParts['parse'] };
  parts = {
    parse: typeof parser === 'function' ? parser : parser.default,
    validate: validator.default,
    options: { components: core.components, dependencies: validator.dependencies, initializeType: core.initializeType },
  };
  return parts;
}

/** Whether an MJML document is valid: an <mjml> root with an <mj-body>, and no error from MJML's validator. */
export function checkMjml(source: string): { error?: string } {
  const p = mjmlParts();
  let root: MjmlNode;
  try {
    root = p.parse(source, { components: p.options.components, ignoreIncludes: true, keepComments: false });
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (root?.tagName !== 'mjml' || !root.children?.some((c) => c.tagName === 'mj-body'))
    return { error: 'an MJML document is an <mjml> element holding an <mj-body>' };
  const errors = p.validate(root, p.options);
  return errors.length ? { error: errors.map((e) => `line ${e.line}: ${e.message}`).join('; ') } : {};
}
