/**
 * @module gpu-worker/cli/main
 * Entry point of the `attune` command line.
 */
import { Command, CommanderError } from 'commander';
import { exitWithError } from './cli-error';
import { registerGenerateCommand } from './generate-command';
import { registerModelCommands } from './model-commands';
import { registerTokenCommand } from './token-command';
import { registerDpCommand } from './dp-command';
import { registerExpertCommands } from './expert-commands';
import { registerSanitizeCommand } from './sanitize-command';
import { registerJudgeCommand } from './judge-command';

const program = new Command('attune')
  .description('Attune: personalized, private generative AI — model runtime and tools')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error: ') ? `attune: ${s.slice(7)}` : s) });

registerModelCommands(program);
registerGenerateCommand(program);
registerTokenCommand(program);
registerDpCommand(program);
registerSanitizeCommand(program);
registerJudgeCommand(program);
registerExpertCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // commander has already printed its own message; every parse error is a usage mistake.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  exitWithError(error);
}
