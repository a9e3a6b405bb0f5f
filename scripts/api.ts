/** `npm run api`: the HTTP API alone, against configured services (scale it horizontally). */
import { loadConfig, requireExternalServices } from '../config';
import { startStack } from '../runtime/stack';
import { runMain } from './main';

runMain(async () => {
  const config = loadConfig();
  requireExternalServices(config, { smtp: false, bootstrapKey: true });
  const stack = await startStack({
    config,
    secrets: { tokenSecret: config.tokenSecret!, bootstrapApiKey: config.bootstrapApiKey },
    roles: { api: true, worker: false },
  });
  stack.log.info({ url: stack.apiUrl }, 'API listening');
  return stack;
});
