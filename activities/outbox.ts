/** Rows of the email outbox. The idempotency key says what a mail is about; its Message-ID follows from it. */
import { hashToken } from '../core/tokens';
import { messageIdFor } from '../mail/mailer';
import type { EmailKind, TaskEmailData } from './email-templates';

export interface EmailRowInput {
  key: string;
  kind: EmailKind;
  cycleId: number;
  taskId: number;
  person: { id: number; name: string; email: string };
  data: TaskEmailData;
  /** The workflow that sends it. */
  senderRef: string;
  from: string;
}

export function emailRow(e: EmailRowInput) {
  return {
    idempotency_key: e.key,
    message_id: messageIdFor(hashToken(e.key).slice(0, 40), e.from),
    cycle_id: e.cycleId,
    task_id: e.taskId,
    person_id: e.person.id,
    to_address: e.person.email,
    to_name: e.person.name,
    kind: e.kind,
    data: JSON.stringify(e.data),
    sender_ref: e.senderRef,
  };
}
