/** What a review email lists: the objectives under review with their key results. */
import type { MailWords } from '../../i18n/mail';
import type { RenderExtras } from '../../mail/templates/data';
import type { Block } from '../../mail/templates/layout';

export function reviewEmailDetails(extras: RenderExtras, w: MailWords): Block[] {
  if (!extras.objectives?.length) return [];
  return [
    { heading: w.objectivesUnderReview },
    {
      list: extras.objectives.map(
        (o, i) =>
          `O${i + 1} ${o.title}${o.parent ? w.aside(`${w.alignedTo}${w.colon}${o.parent}`) : ''} — ${o.keyResults.map((k) => `${k.title}${w.colon}${k.measure}`).join(w.listSeparator)}`,
      ),
    },
  ];
}
