/** The form of every kind of task. */
import type { TaskKind } from '../../../contract';
import { finalizeForm, voteForm } from './ballot';
import { checkinForm } from './checkin';
import { nominateForm } from './nominate';
import { draftForm, strategyForm } from './objectives';
import { reviewForm } from './review';
import { calibrateForm, selfScoreForm } from './score';
import type { TaskForm } from './types';

export const taskForms: Record<TaskKind, TaskForm> = {
  strategy: strategyForm,
  'strategy-review': reviewForm,
  draft: draftForm,
  review: reviewForm,
  checkin: checkinForm,
  'self-score': selfScoreForm,
  calibrate: calibrateForm,
  nominate: nominateForm,
  vote: voteForm,
  finalize: finalizeForm,
};

export type { TaskForm } from './types';
