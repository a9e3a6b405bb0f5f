/**
 * A task batch's one durable timer, kept across the passes of its loop. The loop wakes for every
 * completion and signal; it re-arms the timer only when the next wake moves earlier than the armed
 * one or the armed one has fired. A completion that leaves the earliest reminder where it was then
 * costs no timer cancellation and no new timer (two history events and two commands fewer per
 * completion group). Waking earlier than needed is harmless: the loop looks at the due events
 * again and arms the next timer.
 */
import { CancellationScope, sleep } from '@temporalio/workflow';

export class WakeTimer {
  private at = Number.POSITIVE_INFINITY;
  private scope: CancellationScope | undefined;
  /** The armed timer has fired since it was armed. */
  rang = false;

  /** Makes sure a timer fires at `at` or earlier (`at` in the future). */
  arm(at: number): void {
    if (this.scope && !this.rang && this.at <= at) return;
    this.cancel();
    const scope = new CancellationScope();
    this.scope = scope;
    this.at = at;
    scope
      .run(() => sleep(at - Date.now()))
      .then(
        () => {
          if (this.scope === scope) this.rang = true;
        },
        () => undefined, // cancelled: replaced by an earlier timer, or the batch ended
      );
  }

  /** Cancels the armed timer, if any (the batch no longer needs to wake at that time). */
  cancel(): void {
    if (this.scope && !this.rang) this.scope.cancel();
    this.scope = undefined;
    this.rang = false;
    this.at = Number.POSITIVE_INFINITY;
  }
}
