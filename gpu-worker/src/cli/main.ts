/**
 * @module gpu-worker/cli/main
 * Entry point of the `attune` command line.
 */
import { Command, CommanderError } from 'commander';
import { CliUsageError, exitWithError } from './cli-error';
import { registerGenerateCommand } from './generate-command';
import { registerModelCommands } from './model-commands';

const program = new Command('attune')
  .description('Attune: personalized, private generative AI — model runtime and tools')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerModelCommands(program);
registerGenerateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) process.exit(0);
    process.exit(error.code === 'commander.invalidArgument' ? 2 : error.exitCode || 2);
  }
  exitWithError(error instanceof CliUsageError ? error : error);
}
