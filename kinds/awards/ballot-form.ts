/**
 * vote: a checkbox "nomination<id>" per nomination, at most 3 (errors on the group: "nominations").
 * finalize: a checkbox "winner<id>" per nomination with its votes (group: "winners") and an
 * "announcement".
 */
import { html } from 'hono/html';
import type { KindContext, NominationOption } from '../types';
import { type FieldKit, type FormValues, text, ticked } from '../../api/task-page/fields';
import { type TaskForm, list, prop, scalar } from '../form';

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

function nominationList(kit: FieldKit, context: KindContext, prefix: string, group: string, withVotes: boolean) {
  const w = kit.s.awards;
  const label = (n: NominationOption) =>
    html`<strong>${n.label}</strong> <span class="muted">${w.by(n.nominator)}${withVotes ? html` · <span class="votes">${w.votes(n.votes)}</span>` : ''}</span><span class="citation">${n.citation}</span>`;
  return html`<fieldset class="${kit.cls(group)}" id="${group}"><legend>${w.nominations}</legend>${kit.errs(group)}${
    context.nominations.length
      ? context.nominations.map((n) => html`<div class="choice">${kit.checkbox(`${prefix}${n.nominationId}`, label(n))}</div>`)
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

export const finalizeForm: TaskForm = {
  parse(values, context) {
    const winnerNominationIds = ticks('winner', values, context);
    const announcement = text(values, 'announcement');
    const field = idListField('winners', 'winner', winnerNominationIds);
    return {
      submission: { winnerNominationIds, ...(announcement ? { announcement } : {}) },
      issues: [],
      fieldName: (path) => {
        const [head, ...rest] = path.split('.');
        if (head === 'announcement') return 'announcement';
        return head === 'winnerNominationIds' ? field(rest) : 'form';
      },
    };
  },
  toValues(submission) {
    const values: FormValues = {};
    for (const id of list(submission, 'winnerNominationIds')) if (scalar(id) !== undefined) values[`winner${scalar(id)}`] = 'on';
    const announcement = scalar(prop(submission, 'announcement'));
    if (announcement) values.announcement = announcement;
    return values;
  },
  fields: (kit, context) =>
    html`${nominationList(kit, context, 'winner', 'winners', true)}
${kit.textarea('announcement', kit.s.awards.announcement, { maxlength: 2000, rows: 5, placeholder: kit.s.awards.announcementHint })}`,
};
