/** `npm run worker`: one Temporal worker, against configured services (run as many as needed). */
import { utimesSync, writeFileSync } from 'node:fs';
import { loadConfig, requireExternalServices } from '../config';
import { startStack } from '../runtime/stack';
import { runMain } from './main';

runMain(async () => {
  const config = loadConfig();
  requireExternalServices(config, { smtp: true, bootstrapKey: false });
  const stack = await startStack({
    config,
    secrets: { tokenSecret: config.tokenSecret!, bootstrapApiKey: undefined },
    roles: { api: false, worker: true },
  });
  stack.log.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker running');
  const file = config.temporal.workerHeartbeatFile;
  if (file) {
    const beat = () => {
      if (stack.worker?.getState() !== 'RUNNING') return;
      const now = new Date();
      try {
        utimesSync(file, now, now);
      } catch {
        writeFileSync(file, '');
      }
    };
    beat();
    const timer = setInterval(beat, 15_000);
    timer.unref();
  }
  return stack;
});
