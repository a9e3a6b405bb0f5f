/** outboxDelivery: sends the queued emails of one sender reference (an operator's retry of failed mail). */
import { DEFAULT_STEP_POLICY, type StepPolicy } from '../contract';
import { createSteps } from './steps';

export interface OutboxDeliveryInput {
  senderRef: string;
  cycleKey: string;
  stepPolicy?: StepPolicy;
}

export async function outboxDelivery(input: OutboxDeliveryInput): Promise<{ sent: number; failed: number }> {
  const { step } = createSteps(input.stepPolicy ?? DEFAULT_STEP_POLICY, { cycleKey: input.cycleKey, phase: null });
  const result = await step('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef: input.senderRef }), undefined);
  return { sent: result?.sent ?? 0, failed: result?.failed ?? 0 };
}
