/** The orca command line. Every command has --help; errors are one line, never a stack trace. */
import '../lambdas/util/polyfills.js';
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { CliError, color, interrupted, terminalText } from './output.js';
import { version } from './paths.js';
import { validateCommand } from './commands/validate.js';
import { sqlCommand } from './commands/sql.js';
import { generateCommand } from './commands/generate.js';
import { schemaCommand } from './commands/schema.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { logsCommand } from './commands/logs.js';
import { compileCommand } from './commands/compile.js';
import { demoCommand } from './commands/demo.js';
import { costCommand } from './commands/cost.js';
import { countCommand } from './commands/count.js';
import { serveCommand } from './commands/serve.js';
import { remoteCommands } from './commands/remote.js';
import { doctorCommand } from './commands/doctor.js';
import { reportCommand } from './commands/report.js';
import { outboxCommand } from './commands/outbox.js';
import { importCommands } from './commands/import.js';
import { exportCommand } from './commands/export.js';

/** `output` replaces where commander writes help and usage errors (tests capture them in-process). */
export function buildProgram(output: OutputConfiguration = {}): Command {
  const program = new Command();
  program
    .name('orca')
    .description('Orchestrated marketing campaigns: validate, compile and run them locally or on AWS.')
    .version(version(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(color.red(str)), ...output });
  for (const add of [
    runCommand,
    statusCommand,
    logsCommand,
    reportCommand,
    validateCommand,
    sqlCommand,
    countCommand,
    compileCommand,
    generateCommand,
    demoCommand,
    costCommand,
    serveCommand,
    remoteCommands,
    doctorCommand,
    outboxCommand,
    schemaCommand,
    importCommands,
    exportCommand,
  ])
    add(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[], output?: OutputConfiguration): Promise<number> {
  try {
    await buildProgram(output).parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    if (e instanceof CliError) {
      console.error(`${color.red('orca:')} ${terminalText(e.message)}`);
      return e.code;
    }
    console.error(`${color.red('orca: unexpected error:')} ${terminalText((e as Error)?.message ?? String(e), true)}`);
    if (process.env.ORCA_DEBUG) console.error((e as Error)?.stack);
    else console.error('This is a bug in orca; run again with ORCA_DEBUG=1 to see where it happened.');
    return 70;
  }
}

/**
 * A promise orca forgot to await must not end the command with a stack trace: one line, like any
 * other error. After Ctrl-C, what was still talking to the closed local store is the stop itself.
 */
export function onStrayRejection(e: unknown): void {
  const code =
    (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  if (interrupted.value && (code === 'ECONNREFUSED' || code === 'ECONNRESET' || /Database is closed/.test(String(e))))
    return;
  console.error(`${color.red('orca: unexpected error:')} ${terminalText((e as Error)?.message ?? String(e), true)}`);
  if (process.env.ORCA_DEBUG) console.error((e as Error)?.stack);
  process.exitCode = 70;
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  process.on('unhandledRejection', onStrayRejection);
  process.exitCode = await main(process.argv.slice(2));
}
