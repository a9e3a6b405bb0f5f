/** What a check-in email lists: the key results with their progress, numbered KR1… as in a reply. */
import type { MailWords } from '../../i18n/mail';
import type { RenderExtras } from '../../mail/templates/data';
import type { Block } from '../../mail/templates/layout';

export function checkinEmailDetails(extras: RenderExtras, w: MailWords): Block[] {
  if (!extras.keyResults?.length) return [];
  return [{ heading: w.yourKeyResults }, { list: extras.keyResults.map((kr, i) => w.krLine(i + 1, kr)) }];
}
