/**
 * @module gpu-worker/worker/main
 * Entry point of a GPU worker pod: `node --import tsx gpu-worker/src/worker/main.ts`. Reads the
 * configuration from the environment, starts the worker and turns SIGTERM/SIGINT into a graceful
 * stop (drain, then hand running jobs back; see `start-worker.ts`), exiting 0 once stopped.
 * Exits 1 on a configuration or start-up error, with one JSON log line naming it.
 */
import { stderrLogger } from '../runtime/logger';
import { parseWorkerConfig } from './config';
import { startWorker } from './start-worker';

const logger = stderrLogger;

async function main(): Promise<void> {
  const config = parseWorkerConfig(process.env);
  const starting = startWorker(config, { logger });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('already stopping; waiting for the drain to end', { signal });
      return;
    }
    stopping = true;
    logger.info('stop signal received', { signal });
    // A signal during start-up stops the worker as soon as it is up.
    void starting.then((worker) => worker.close()).then(
      () => process.exit(0),
      (error: Error) => {
        logger.error('worker did not stop cleanly', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await starting;
}

main().catch((error: Error) => {
  logger.error('worker failed to start', { error: error.message });
  process.exit(1);
});
