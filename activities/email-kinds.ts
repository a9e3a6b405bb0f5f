/** The email data moved to mail/templates/data.ts; kept so that existing importers keep working. */
export type { EmailData, EmailKind } from '../mail/templates/data';
export { TASK_EMAIL_KINDS } from '../mail/templates/data';
