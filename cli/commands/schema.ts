import type { Command } from 'commander';
import { campaignJsonSchema } from '../../statemachines/campaign.js';

export function schemaCommand(program: Command): void {
  program
    .command('schema')
    .description(
      'print the JSON Schema of campaign files (for editor completion; also in schemas/campaign.schema.json)',
    )
    .action(() => {
      console.log(JSON.stringify(campaignJsonSchema(), null, 2));
    });
}
