/**
 * vote: a checkbox "nomination<id>" per nomination, at most 3 (errors on the group: "nominations").
 * finalize: a checkbox "winner<id>" per nomination with its votes (group: "winners") and an
 * "announcement"; under each nomination what HR records if it wins: "award<id>.name",
 * "award<id>.citation", "award<id>.bonus" and "award<id>.currency" (read only for ticked winners).
 */
import { html } from 'hono/html';
import type { KindContext, NominationEvidence, NominationOption } from '../types';
import { type FieldKit, type FormValues, formatNumber, numberOf, text, ticked } from '../../api/task-page/fields';
import { awardWords } from '../../i18n/awards';
import { type TaskForm, list, prop, scalar } from '../form';

const DETAIL_FIELDS = { awardName: 'name', citation: 'citation', bonusAmount: 'bonus', bonusCurrency: 'currency' } as const;

function ticks(prefix: string, values: FormValues, context: KindContext): number[] {
  return context.nominations.map((n) => n.nominationId).filter((id) => ticked(values, `${prefix}${id}`));
}

/** Schema paths of an id list ("nominationIds", "nominationIds.1") → the group or the checkbox. */
function idListField(group: string, prefix: string, ids: number[]) {
  return (rest: string[]) => {
    if (rest.length === 0) return group;
    const id = ids[Number(rest[0])];
    return id === undefined ? group : `${prefix}${id}`;
  };
}

/** What the OKRs say about a nomination (folded): objectives, key results with scores, check-ins, execution items. */
function evidenceBlock(kit: FieldKit, n: NominationOption) {
  const e = n.evidence;
  if (!e) return '';
  const locale = kit.locale === 'zh-CN' ? 'zh-CN' : 'en';
  const w = awardWords(locale).evidence;
  const score = (s: number | null) => (s === null ? '' : html` <span class="ev-score">${w.score(formatNumber(s, locale))}</span>`);
  const progress = (p: NominationEvidence['objectives'][number]['keyResults'][number]['progress']) =>
    p === null
      ? ''
      : 'done' in p
        ? html` · ${p.done ? w.done : w.notDone}`
        : html` · ${formatNumber(p.current, locale)} / ${formatNumber(p.target, locale)}${p.unit ? ` ${p.unit}` : ''}`;
  return html`<details class="evidence"><summary>${w.summary}</summary>
${e.objectives.map(
  (
    o,
  ) => html`<p class="ev-objective"><strong>${o.title}</strong>${o.cycle ? html` <span class="muted">(${o.cycle})</span>` : ''}${score(o.score)}${o.alignedTo ? html`<br><span class="muted">${w.alignedTo(o.alignedTo)}</span>` : ''}</p>
<ul class="ev-krs">${o.keyResults.map((k) => html`<li>${k.title}${score(k.score)}${progress(k.progress)}</li>`)}</ul>`,
)}
<p class="ev-head">${w.checkins}</p>${
    e.checkins.length
      ? html`<p class="ev-checkins">${e.checkins
          .map(
            (c, i) =>
              `${c.cycle && c.cycle !== e.checkins[i - 1]?.cycle ? `${c.cycle}${locale === 'zh-CN' ? '：' : ': '}` : ''}${w.week(c.week, c.confidence)}`,
          )
          .join(locale === 'zh-CN' ? '；' : '; ')}</p>`
      : html`<p class="muted">${w.noCheckins}</p>`
  }
${e.items.length ? html`<p class="ev-head">${w.items}</p><ul class="ev-items">${e.items.map((i) => html`<li>${i.cycle ? `${i.cycle} · ` : ''}${w.item(i.week, i.title, w.status[i.status] ?? i.status)}</li>`)}</ul>` : ''}
</details>`;
}

function nominationList(kit: FieldKit, context: KindContext, prefix: string, group: string, withVotes: boolean, below?: (n: NominationOption) => unknown) {
  const w = kit.s.awards;
  const label = (n: NominationOption) =>
    html`<strong>${n.label}</strong> <span class="muted">${w.by(n.nominator)}${withVotes ? html` · <span class="votes">${w.votes(n.votes)}</span>` : ''}</span><span class="citation">${n.citation}</span>`;
  return html`<fieldset class="${kit.cls(group)}" id="${group}"><legend>${w.nominations}</legend>${kit.errs(group)}${
    context.nominations.length
      ? context.nominations.map(
          (n) => html`<div class="choice">${kit.checkbox(`${prefix}${n.nominationId}`, label(n))}${evidenceBlock(kit, n)}${below ? below(n) : ''}</div>`,
        )
      : html`<p class="muted">${w.noNominations}</p>`
  }</fieldset>`;
}

export const voteForm: TaskForm = {
  parse(values, context) {
    const nominationIds = ticks('nomination', values, context);
    const field = idListField('nominations', 'nomination', nominationIds);
    return {
      submission: { nominationIds },
      issues: [],
      fieldName: (path) => {
        const [head, ...rest] = path.split('.');
        return head === 'nominationIds' ? field(rest) : 'form';
      },
    };
  },
  toValues(submission) {
    const values: FormValues = {};
    for (const id of list(submission, 'nominationIds')) if (scalar(id) !== undefined) values[`nomination${scalar(id)}`] = 'on';
    return values;
  },
  fields: (kit, context) => nominationList(kit, context, 'nomination', 'nominations', false),
};

/** What HR recorded for one ticked winner; only the fields filled in. */
function detailOf(values: FormValues, id: number) {
  const awardName = text(values, `award${id}.name`);
  const citation = text(values, `award${id}.citation`);
  const bonusAmount = numberOf(text(values, `award${id}.bonus`));
  const bonusCurrency = text(values, `award${id}.currency`).toUpperCase();
  return {
    nominationId: id,
    ...(awardName ? { awardName } : {}),
    ...(citation ? { citation } : {}),
    ...(bonusAmount !== undefined ? { bonusAmount } : {}),
    ...(bonusCurrency ? { bonusCurrency } : {}),
  };
}

/** The award fields under one nomination (a closed <details> until it is ticked or has an error). */
function awardFields(kit: FieldKit, n: NominationOption) {
  const w = awardWords(kit.locale === 'zh-CN' ? 'zh-CN' : 'en').finalize;
  const at = `award${n.nominationId}`;
  const open = ticked(kit.values, `winner${n.nominationId}`) || kit.touched(`${at}.`);
  return html`<details class="award-details"${open ? html` open` : ''}><summary>${w.detailsOf(n.label)}</summary><div class="award-grid">
<div>${kit.input(`${at}.name`, w.awardName, { maxlength: 120, placeholder: w.awardNameHint })}</div>
<div>${kit.textarea(`${at}.citation`, w.citation, { maxlength: 2000, rows: 2, placeholder: w.citationHint })}</div>
<div>${kit.input(`${at}.bonus`, w.bonusAmount, { inputmode: 'decimal', autocomplete: 'off' })}</div>
<div>${kit.input(`${at}.currency`, w.bonusCurrency, { maxlength: 3, autocomplete: 'off', size: 4 })}</div>
</div></details>`;
}

export const finalizeForm: TaskForm = {
  parse(values, context) {
    const winnerNominationIds = ticks('winner', values, context);
    const announcement = text(values, 'announcement');
    const field = idListField('winners', 'winner', winnerNominationIds);
    const awards = winnerNominationIds.map((id) => detailOf(values, id)).filter((d) => Object.keys(d).length > 1);
    return {
      submission: { winnerNominationIds, ...(announcement ? { announcement } : {}), ...(awards.length ? { awards } : {}) },
      issues: [],
      fieldName: (path) => {
        const [head, ...rest] = path.split('.');
        if (head === 'announcement') return 'announcement';
        if (head === 'awards') {
          const d = awards[Number(rest[0])];
          const name = DETAIL_FIELDS[rest[1] as keyof typeof DETAIL_FIELDS];
          return d && name ? `award${d.nominationId}.${name}` : d ? `winner${d.nominationId}` : 'winners';
        }
        return head === 'winnerNominationIds' ? field(rest) : 'form';
      },
    };
  },
  toValues(submission) {
    const values: FormValues = {};
    for (const id of list(submission, 'winnerNominationIds')) if (scalar(id) !== undefined) values[`winner${scalar(id)}`] = 'on';
    const announcement = scalar(prop(submission, 'announcement'));
    if (announcement) values.announcement = announcement;
    for (const d of list(submission, 'awards')) {
      const id = scalar(prop(d, 'nominationId'));
      if (id === undefined) continue;
      for (const [key, name] of Object.entries(DETAIL_FIELDS)) {
        const v = scalar(prop(d, key));
        if (v !== undefined) values[`award${id}.${name}`] = String(v);
      }
    }
    return values;
  },
  fields: (kit, context) =>
    html`${nominationList(kit, context, 'winner', 'winners', true, (n) => awardFields(kit, n))}
${kit.textarea('announcement', kit.s.awards.announcement, { maxlength: 2000, rows: 5, placeholder: kit.s.awards.announcementHint })}`,
};
