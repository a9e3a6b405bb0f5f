/** What a scoring email lists: the key results with the self score and the score progress suggests. */
import type { MailWords } from '../../i18n/mail';
import type { RenderExtras } from '../../mail/templates/data';
import type { Block } from '../../mail/templates/layout';

export function scoreEmailDetails(extras: RenderExtras, w: MailWords): Block[] {
  if (!extras.keyResults?.length) return [];
  return [{ heading: w.yourKeyResults }, { list: extras.keyResults.map((kr, i) => w.scoreLine(i + 1, kr)) }];
}
