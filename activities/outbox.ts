/** Rows of the email outbox. The idempotency key says what a mail is about; its Message-ID follows from it. */
import { hashToken } from '../core/tokens';
import { messageIdFor } from '../mail/mailer';
import type { OutboxData, OutboxKind } from '../mail/templates/data';

export interface EmailRowInput<K extends OutboxKind> {
  key: string;
  kind: K;
  cycleId: number;
  /** The task the mail is about (its link is derived at send time); null for cycle-wide mail. */
  taskId: number | null;
  person: { id: number; name: string; email: string };
  data: OutboxData[K];
  /** The workflow that sends it (for answers to replies: `reply:<hash>`, sent by the inbound handler). */
  senderRef: string;
  from: string;
}

/** The deterministic Message-ID of the email with this idempotency key. */
export function messageIdForKey(key: string, from: string): string {
  return messageIdFor(hashToken(key).slice(0, 40), from);
}

export function emailRow<K extends OutboxKind>(e: EmailRowInput<K>) {
  return {
    idempotency_key: e.key,
    message_id: messageIdForKey(e.key, e.from),
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
