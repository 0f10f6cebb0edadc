/** Campaign files compiled at synth time by the same compiler as everywhere else. */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Catalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { validateCampaign } from '../statemachines/validate.js';
import { compileCampaign } from '../statemachines/compile.js';
import type { StateMachineDefinition } from '../statemachines/asl.js';
import { scheduleOf, scheduleProblem, type ScheduleSpec } from '../statemachines/schedule.js';
import { AthenaDialect } from '../lambdas/sql/dialect.js';
import { OrcaError } from '../lambdas/util/errors.js';

export interface CompiledCampaign {
  id: string;
  label: string;
  file: string;
  /** The campaign document as written (recorded as the deployed version). */
  document: unknown;
  definition: StateMachineDefinition;
  schedule?: ScheduleSpec;
  /** Why the campaign's trigger gets no schedule (it would never fire): the synth warns and deploys the rest. */
  scheduleSkipped?: string;
  supervisors: string[];
}

export class CampaignsInvalid extends OrcaError {
  static override readonly errorName = 'CampaignsInvalid';
}

/** The campaign files of a folder, read: YAML or JSON files with `activities` (catalogs are skipped). */
export function campaignFiles(folder: string): Array<{ file: string; doc: unknown }> {
  return readdirSync(folder)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => ({ file: join(folder, f), doc: readDocument(join(folder, f)) }))
    .filter(({ doc }) => Boolean(doc && typeof doc === 'object' && 'activities' in doc));
}

export function compileCampaigns(
  catalog: Catalog,
  sources: Array<{ file: string; doc: unknown }>,
  database: string,
): CompiledCampaign[] {
  const problems: string[] = [];
  const out: CompiledCampaign[] = [];
  const ids = new Map<string, string>();
  for (const { file, doc } of sources) {
    const v = validateCampaign(doc, catalog, { dialect: new AthenaDialect({ database }) });
    if (!v.valid || !v.analysis) {
      problems.push(
        ...v.errors.map(
          (e) => `${basename(file)}: ${e.activity ? `activity ${e.activity} ` : ''}${e.path}: ${e.message}`,
        ),
      );
      continue;
    }
    const c = v.analysis.campaign;
    if (ids.has(c.id)) problems.push(`${basename(file)}: campaign id '${c.id}' is also used by ${ids.get(c.id)}`);
    ids.set(c.id, basename(file));
    try {
      const { definition } = compileCampaign(v.analysis);
      const schedule = scheduleOf(c.trigger, c.timezone);
      // A trigger that will never fire again (a past `once`, an ended window) must not stop the other
      // campaigns from deploying: the campaign deploys without its schedule, with a warning.
      const problem = schedule && scheduleProblem(schedule, new Date());
      out.push({
        id: c.id,
        label: c.label,
        file: basename(file),
        document: doc,
        definition,
        ...(schedule && !problem ? { schedule } : {}),
        ...(problem ? { scheduleSkipped: `trigger: ${problem}` } : {}),
        supervisors: c.supervisors,
      });
    } catch (e) {
      problems.push(`${basename(file)}: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new CampaignsInvalid(`campaigns cannot be deployed:\n  ${problems.join('\n  ')}`);
  return out;
}
