/**
 * Every kind's form, without a server: a realistic posted body parses into a submission that
 * passes the kind's schema, and a bad one's errors land on the fields the person filled in.
 */
import { describe, expect, it } from 'vitest';
import { type FieldIssue, type TaskKind, TASK_KINDS, submissionSchemas, toFieldIssues } from '../../contract';
import type { KeyResultOption, KindContext } from '../../kinds/types';
import { type FormValues, fieldErrors } from '../../api/task-page/fields';
import { kinds } from '../../kinds';

function keyResult(over: Partial<KeyResultOption> & Pick<KeyResultOption, 'keyResultId' | 'title' | 'kind'>): KeyResultOption {
  return {
    objectiveId: 1,
    objectiveTitle: 'Make onboarding delightful',
    start: over.kind === 'milestone' ? null : 0,
    target: over.kind === 'milestone' ? null : 100,
    unit: over.kind === 'numeric' ? 'signups' : null,
    current: null,
    done: null,
    selfScore: null,
    score: null,
    suggestedScore: null,
    ...over,
  };
}

const CONTEXT: KindContext = {
  values: null,
  notes: [],
  parents: [{ id: 3, title: 'Win the mid-market', owner: 'Company' }],
  keyResults: [
    keyResult({ keyResultId: 11, title: 'Weekly signups', kind: 'numeric', current: 40, suggestedScore: 0.4 }),
    keyResult({ keyResultId: 12, title: 'Activation rate', kind: 'percent', current: 55, suggestedScore: 0.6, selfScore: 0.5 }),
    keyResult({ keyResultId: 13, title: 'Ship the guided tour', kind: 'milestone', done: false, suggestedScore: 0 }),
  ],
  objectives: [{ id: 21, title: 'Make onboarding delightful (Ana Lead)', parent: null, keyResults: [] }],
  nominations: [
    { nominationId: 31, nominator: 'Ana Lead', label: 'objective: Make onboarding delightful', citation: 'Activation doubled.', votes: 2 },
    { nominationId: 32, nominator: 'Bo Builder', label: 'person: Cy', citation: 'Ran every demo.', votes: 0 },
    { nominationId: 33, nominator: 'Cy', label: 'person: Dee', citation: 'Fixed the build.', votes: 1 },
    { nominationId: 34, nominator: 'Dee', label: 'person: Eve', citation: 'Wrote the docs.', votes: 1 },
  ],
  subject: null,
  people: [{ name: 'Cy', email: 'cy@example.com' }],
};

/** Parses a body; returns the schema's verdict and the errors by field name. */
function submit(kind: TaskKind, body: FormValues, context: KindContext = CONTEXT) {
  const parsed = kinds[kind].form.parse(body, context);
  const checked = submissionSchemas[kind].safeParse(parsed.submission);
  const schemaIssues: FieldIssue[] = checked.success ? [] : toFieldIssues(checked.error.issues);
  const errors = fieldErrors(parsed, schemaIssues);
  return { parsed, checked, errors: Object.fromEntries(errors) };
}

const GOOD: Record<TaskKind, FormValues> = {
  strategy: {
    'o0.title': 'Win the mid-market',
    'o0.parent': '3', // not on the strategy page; ignored if posted
    'o0.kr0.title': 'Mid-market customers',
    'o0.kr0.kind': 'numeric',
    'o0.kr0.start': '12',
    'o0.kr0.target': '40',
    'o0.kr0.unit': 'accounts',
    'o0.kr1.title': 'Launch the partner programme',
    'o0.kr1.kind': 'milestone',
  },
  'strategy-review': { decision: 'approve', comment: '' },
  draft: {
    'o0.title': 'Make onboarding delightful',
    'o0.parent': '3',
    'o0.kr0.title': 'Activation rate',
    'o0.kr0.kind': 'percent',
    'o0.kr0.start': '40',
    'o0.kr0.target': '60',
    'o0.kr1.title': 'Ship the guided tour',
    'o0.kr1.kind': 'milestone',
  },
  review: { decision: 'changes', comment: 'Key result 2 needs a number.' },
  checkin: {
    'kr11.value': '48',
    'kr12.value': '57,5',
    'kr13.done': 'on',
    confidence: '7',
    'item0.kr': '11',
    'item0.kind': 'project',
    'item0.title': 'Referral landing page',
    'item0.status': 'in-progress',
    'item1.kr': '',
    'item1.kind': 'project',
    'item1.title': '',
    'item1.status': 'in-progress',
    'item3.kr': '13',
    'item3.kind': 'task',
    'item3.title': 'Record the tour video',
    'item3.status': 'done',
    report: 'Signups up 20% after the referral launch.',
  },
  'self-score': { 'kr11.score': '0.5', 'kr12.score': '0.6', 'kr12.comment': 'Close', 'kr13.score': '0', comment: 'A slow start.' },
  calibrate: { 'kr11.score': '0.4', 'kr12.score': '0.6', 'kr13.score': '0.1' },
  nominate: {
    'nom0.objective': '21',
    'nom0.email': '',
    'nom0.citation': 'Activation doubled in one quarter.',
    'nom1.objective': '',
    'nom1.email': '',
    'nom1.citation': '',
    'nom2.objective': '',
    'nom2.email': ' Cy@Example.com ',
    'nom2.citation': 'Ran every customer demo this quarter.',
  },
  vote: { nomination31: 'on', nomination33: 'on' },
  finalize: { winner31: 'on', announcement: 'The onboarding team wins for doubling activation.' },
};

describe('task forms: a good body parses into a valid submission', () => {
  it.each(TASK_KINDS)('%s', (kind) => {
    const { checked, errors, parsed } = submit(kind, GOOD[kind]);
    expect(parsed.issues).toEqual([]);
    expect(errors).toEqual({});
    expect(checked.success).toBe(true);
  });

  it('reads each kind into the submission the schema expects', () => {
    const data = (kind: TaskKind) => submit(kind, GOOD[kind]).checked.data;
    expect(data('strategy')).toEqual({
      objectives: [
        {
          title: 'Win the mid-market',
          keyResults: [
            { kind: 'numeric', title: 'Mid-market customers', start: 12, target: 40, unit: 'accounts' },
            { kind: 'milestone', title: 'Launch the partner programme' },
          ],
        },
      ],
    });
    expect((data('draft') as { objectives: { parentObjectiveId?: number }[] }).objectives[0]!.parentObjectiveId).toBe(3);
    expect(data('strategy-review')).toEqual({ decision: 'approve' });
    expect(data('review')).toEqual({ decision: 'changes', comment: 'Key result 2 needs a number.' });
    expect(data('checkin')).toEqual({
      keyResults: [
        { keyResultId: 11, value: 48 },
        { keyResultId: 12, value: 57.5 },
        { keyResultId: 13, done: true },
      ],
      confidence: 7,
      items: [
        { keyResultId: 11, kind: 'project', title: 'Referral landing page', status: 'in-progress' },
        { keyResultId: 13, kind: 'task', title: 'Record the tour video', status: 'done' },
      ],
      report: 'Signups up 20% after the referral launch.',
    });
    expect(data('self-score')).toEqual({
      scores: [
        { keyResultId: 11, score: 0.5 },
        { keyResultId: 12, score: 0.6, comment: 'Close' },
        { keyResultId: 13, score: 0 },
      ],
      comment: 'A slow start.',
    });
    expect(data('nominate')).toEqual({
      nominations: [
        { objectiveId: 21, citation: 'Activation doubled in one quarter.' },
        { personEmail: 'cy@example.com', citation: 'Ran every customer demo this quarter.' },
      ],
    });
    expect(data('vote')).toEqual({ nominationIds: [31, 33] });
    expect(data('finalize')).toEqual({ winnerNominationIds: [31], announcement: 'The onboarding team wins for doubling activation.' });
  });

  it('reads an unticked milestone as not done, and an empty nomination form as no nominations', () => {
    const { checked } = submit('checkin', { 'kr11.value': '40', 'kr12.value': '55', confidence: '5' });
    expect(checked.data).toMatchObject({ keyResults: [{ keyResultId: 11 }, { keyResultId: 12 }, { keyResultId: 13, done: false }], items: [], report: '' });
    expect(submit('nominate', {}).checked.data).toEqual({ nominations: [] });
  });

  it('ignores ids that are not on the page', () => {
    expect(submit('vote', { nomination31: 'on', nomination999: 'on' }).checked.data).toEqual({ nominationIds: [31] });
  });
});

describe('task forms: a bad body maps its errors to the right fields', () => {
  it('strategy', () => {
    const { errors } = submit('strategy', { 'o1.title': 'Hi', 'o1.kr2.title': 'Revenue', 'o1.kr2.start': '5', 'o1.kr2.target': '5', 'o1.kr2.unit': 'k' });
    expect(errors).toEqual({
      'o1.title': ['at least 3 characters'],
      'o1.kr2.target': ['must differ from start'],
      'o1.krs': ['at least 2 key results'],
    });
  });

  it('draft', () => {
    const { errors } = submit('draft', { 'o0.title': 'Grow', 'o0.kr0.title': 'Revenue', 'o0.kr0.start': 'ten', 'o0.kr0.target': '20', 'o0.kr0.unit': '' });
    expect(errors).toEqual({
      'o0.kr0.start': ['must be a number'],
      'o0.kr0.unit': ['must not be empty'],
      'o0.krs': ['at least 2 key results'],
    });
  });

  it.each(['review', 'strategy-review'] as const)('%s', (kind) => {
    expect(submit(kind, { comment: 'fine' }).errors).toEqual({ decision: ['choose approve or request changes'] });
    expect(submit(kind, { decision: 'changes', comment: ' ' }).errors).toEqual({ comment: ['say what should change (at least 3 characters)'] });
  });

  it('checkin', () => {
    const { errors } = submit('checkin', {
      'kr11.value': 'lots',
      'kr12.value': '',
      confidence: '11',
      'item2.kr': '12',
      'item2.kind': 'project',
      'item2.title': '',
      'item4.kind': 'epic',
      'item4.title': 'Hire a designer',
      report: 'x'.repeat(5001),
    });
    expect(errors).toEqual({
      'kr11.value': ['must be a number'],
      'kr12.value': ['give a value or done'],
      confidence: ['from 1 to 10'],
      'item2.title': ['must not be empty'],
      'item4.kr': ['choose a key result'],
      'item4.kind': ['kind must be project or task'],
      report: ['at most 5,000 characters'],
    });
  });

  it.each(['self-score', 'calibrate'] as const)('%s', (kind) => {
    const { errors } = submit(kind, { 'kr11.score': '1.2', 'kr12.score': '', 'kr13.score': '0.5', 'kr13.comment': 'x'.repeat(2001) });
    expect(errors).toEqual({
      'kr11.score': ['from 0.0 to 1.0'],
      'kr12.score': ['must be a number'],
      'kr13.comment': ['at most 2,000 characters'],
    });
  });

  it('nominate', () => {
    const { errors, parsed } = submit('nominate', {
      'nom0.objective': '21',
      'nom0.citation': 'Too short',
      'nom1.citation': 'A citation without anyone to nominate.',
      'nom2.objective': '21',
      'nom2.email': 'cy@example.com',
      'nom2.citation': 'Both an objective and a person here.',
    });
    expect(parsed.issues.map((i) => i.path)).toEqual(['nom1.objective', 'nom2.email']);
    expect(errors).toEqual({
      'nom0.citation': ['at least 10 characters'],
      'nom1.objective': ['choose an objective or enter an email address'],
      'nom2.email': ['choose an objective or enter an email address, not both'],
    });
    expect(submit('nominate', { 'nom1.email': 'not-an-email', 'nom1.citation': 'A long enough citation.' }).errors).toEqual({
      'nom1.email': ['must be an email address'],
    });
  });

  it('vote', () => {
    expect(submit('vote', {}).errors).toEqual({ nominations: ['vote for at least 1 nomination'] });
    expect(submit('vote', { nomination31: 'on', nomination32: 'on', nomination33: 'on', nomination34: 'on' }).errors).toEqual({
      nominations: ['at most 3 votes'],
    });
  });

  it('finalize', () => {
    expect(submit('finalize', { winner32: 'on', announcement: 'x'.repeat(2001) }).errors).toEqual({ announcement: ['at most 2,000 characters'] });
  });

  it('maps the database rules’ paths (sent back by the workflow) to the same fields', () => {
    const checkin = kinds.checkin.form.parse(GOOD.checkin, CONTEXT);
    expect(checkin.fieldName('keyResults.2.keyResultId')).toBe('kr13.done');
    expect(checkin.fieldName('items.1.keyResultId')).toBe('item3.kr');
    const nominate = kinds.nominate.form.parse(GOOD.nominate, CONTEXT);
    expect(nominate.fieldName('nominations.1.personEmail')).toBe('nom2.email');
    expect(nominate.fieldName('nominations.0.objectiveId')).toBe('nom0.objective');
    const vote = kinds.vote.form.parse(GOOD.vote, CONTEXT);
    expect(vote.fieldName('nominationIds.1')).toBe('nomination33');
    const draft = kinds.draft.form.parse(GOOD.draft, CONTEXT);
    expect(draft.fieldName('objectives.0.parentObjectiveId')).toBe('o0.parent');
    for (const kind of TASK_KINDS) expect(kinds[kind].form.parse(GOOD[kind], CONTEXT).fieldName('')).toBe('form');
  });
});

describe('task forms: pre-filling', () => {
  it('shows a stored submission of each kind again, field for field', () => {
    for (const kind of TASK_KINDS) {
      const { checked } = submit(kind, GOOD[kind]);
      const values = kinds[kind].form.toValues(checked.data, CONTEXT);
      const again = submissionSchemas[kind].safeParse(kinds[kind].form.parse(values, CONTEXT).submission);
      expect(again.success, kind).toBe(true);
      expect(again.data, kind).toEqual(checked.data);
    }
  });

  it('starts check-ins from the current progress and scores from the self score or the suggestion', () => {
    expect(kinds.checkin.form.toValues(null, CONTEXT)).toEqual({ 'kr11.value': '40', 'kr12.value': '55' });
    expect(kinds['self-score'].form.toValues(null, CONTEXT)).toEqual({ 'kr11.score': '0.4', 'kr12.score': '0.5', 'kr13.score': '0' });
    expect(kinds.calibrate.form.toValues({ scores: [{ keyResultId: 11, score: 0.7 }] }, CONTEXT)).toEqual({
      'kr11.score': '0.7',
      'kr12.score': '0.5',
      'kr13.score': '0',
    });
  });
});
