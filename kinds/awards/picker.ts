/**
 * The nominate picker without JavaScript: the nominate form's "Search" and "Nominate …" buttons
 * submit the form by GET to the task's own link, so everything typed so far comes back in the
 * query; `nomineePicker` turns that query into the form's values (a picked person's email or
 * objective goes into the first empty row) and searches participants by name
 * (`searchNominees`: never the nominator, each with their approved objectives and scores).
 */
import type { Kysely } from 'kysely';
import { activeParticipants } from '../../db/participants';
import type { DB } from '../../db/schema';
import type { FormValues } from '../../api/task-page/fields';
import { NOMINATION_SLOTS } from './nominate-form';
import { type Nominee, searchNominees } from './nominees';
import { subjectCycleIds } from './subject-cycles';

const ROW_FIELD = /^nom[0-9]\.(objective|email|citation)$/;

/** Whether a GET of a nominate task is the picker at work (rather than opening the link). */
export const isPickerQuery = (query: Record<string, string>) => 'q' in query || 'pick' in query;

export async function nomineePicker(
  db: Kysely<DB>,
  task: { cycleId: number; personId: number },
  query: Record<string, string>,
): Promise<{ values: FormValues; search: { query: string; results: Nominee[] }; full: boolean }> {
  const values: FormValues = {};
  for (const [k, v] of Object.entries(query)) if (ROW_FIELD.test(k)) values[k] = String(v).slice(0, 2000);
  const text = (query.q ?? '').trim().slice(0, 100);
  values.q = text;
  let full = false;
  const pick = /^(p|o):([0-9]{1,10})$/.exec(query.pick ?? '');
  if (pick) {
    const id = Number(pick[2]);
    const slot = Array.from({ length: NOMINATION_SLOTS }, (_, n) => n).find((n) => !values[`nom${n}.objective`] && !values[`nom${n}.email`]);
    // Only someone the picker could have offered: a participant of the cycle other than the nominator.
    const person =
      pick[1] === 'p'
        ? await activeParticipants(db, task.cycleId).select('p.email').where('p.id', '=', id).where('p.id', '!=', task.personId).executeTakeFirst()
        : undefined;
    const objective =
      pick[1] === 'o'
        ? await activeParticipants(db, task.cycleId)
            .innerJoin('objectives as o', 'o.owner_id', 'cp.person_id')
            .where('o.cycle_id', 'in', await subjectCycleIds(db, task.cycleId))
            .select('o.id')
            .where('o.id', '=', id)
            .where('o.status', '=', 'approved')
            .where('o.owner_id', '!=', task.personId)
            .executeTakeFirst()
        : undefined;
    if (slot === undefined && (person || objective)) full = true;
    else if (slot !== undefined && person) values[`nom${slot}.email`] = person.email;
    else if (slot !== undefined && objective) values[`nom${slot}.objective`] = String(objective.id);
  }
  const results = text ? await searchNominees(db, { cycleId: task.cycleId, nominatorId: task.personId, query: text }) : [];
  return { values, search: { query: text, results }, full };
}
