/**
 * The Liquid engines of channel templates (liquidjs), sandboxed: no file system (include, render and
 * layout removed), own properties only, strict filters, limits on parsing, rendering and memory.
 * Shared by validation (the variables a template reads) and rendering (templates.ts).
 */
import { Liquid } from 'liquidjs';

/** Variables orca gives every template (not columns of the population). */
export const ORCA_TEMPLATE_VARIABLES = ['unsubscribe_url'] as const;

function engine(html: boolean): Liquid {
  const e = new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    // No file system: templates come from the campaign only.
    templates: {},
    ...(html ? { outputEscape: 'escape' as const } : {}),
    // The date filter in UTC and English, the same on every machine.
    timezoneOffset: 0,
    locale: 'en-US',
    parseLimit: 1_000_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  for (const tag of ['include', 'render', 'layout']) delete e.tags[tag];
  return e;
}

export const TEXT = engine(false);
export const HTML = engine(true);

export const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0]!;

/** The root names a template reads (columns of the row), orca's own variables left out; or its parse error. */
export function templateVariables(source: string): { variables: string[] } | { error: string } {
  try {
    const names = TEXT.globalVariablesSync(TEXT.parse(source));
    return { variables: names.filter((n) => !(ORCA_TEMPLATE_VARIABLES as readonly string[]).includes(n)) };
  } catch (e) {
    return { error: firstLine(e) };
  }
}
