/**
 * `npm start`: everything in one process tree on the embedded defaults — Temporal dev server,
 * worker, API, mail catcher, database — or on whatever services the environment names.
 */
import { loadConfig } from '../config';
import { embeddedSecrets } from '../runtime/secrets';
import { startStack } from '../runtime/stack';
import { runMain } from './main';
import { consoleLinkForFirstOperator } from '../core/first-operator';

runMain(async () => {
  const config = loadConfig();
  const secrets = embeddedSecrets(config);
  const stack = await startStack({ config, secrets, roles: { api: true, worker: true } });
  const consoleLink = await consoleLinkForFirstOperator(stack.database.db, secrets.tokenSecret, config.publicBaseUrl, config.console.firstOperator);
  const lines = [
    '',
    'OKR cycle orchestrator is running.',
    `  Console        ${consoleLink.url}`,
    `                 (signs in ${consoleLink.email} once, within 15 minutes; then ${config.publicBaseUrl}/console/sign-in)`,
    `  API            ${stack.apiUrl}`,
    `  API docs       ${stack.apiUrl}/docs`,
    stack.mailCatcher
      ? `  Mailbox        ${stack.apiUrl}/dev/mailbox   (SMTP on 127.0.0.1:${stack.mailCatcher.port})`
      : `  Mail           via ${new URL(config.smtp.url!).host}`,
    config.replies.domain && config.replies.inboundPort
      ? `  Replies        tasks+…@${config.replies.domain} to SMTP port ${config.replies.inboundPort} complete tasks`
      : '  Replies        off (set MAIL_REPLY_DOMAIN)',
    `  Temporal       ${stack.temporal.address}${stack.temporal.uiUrl ? `   Web UI ${stack.temporal.uiUrl}` : ''}`,
    `  Database       ${stack.database.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}/pglite` : 'DATABASE_URL'}`,
    `  API key        ${config.bootstrapApiKey ? '(BOOTSTRAP_API_KEY from the environment)' : secrets.bootstrapApiKey}`,
    '',
    `Try:  curl -H "Authorization: Bearer <API key>" ${stack.apiUrl}/api/cycles`,
    'Ctrl-C stops everything; data stays in the data directory for the next start.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return stack;
});
