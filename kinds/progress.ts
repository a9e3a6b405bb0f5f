/** How a key result's progress reads on a page ("from 40 to 60 % · now 52", "Done"). */
import type { KeyResultOption } from './types';
import { formatNumber } from '../api/task-page/fields';
import type { PageStrings } from '../i18n';

export function measureText(kr: KeyResultOption, s: PageStrings): string {
  if (kr.kind === 'milestone') return s.objectives.milestone;
  const unit = kr.kind === 'percent' ? '%' : (kr.unit ?? '');
  return s.progress.range(formatNumber(kr.start, s.lang), formatNumber(kr.target, s.lang), unit);
}

export function progressText(kr: KeyResultOption, s: PageStrings): string {
  if (kr.kind === 'milestone') return kr.done ? s.progress.done : s.progress.notDone;
  const now = kr.current === null ? '' : ` · ${s.progress.now(formatNumber(kr.current, s.lang))}`;
  return `${measureText(kr, s)}${now}`;
}

/** Key results in page order, with the objective's title where a new objective starts. */
export function withObjectiveHeadings(keyResults: KeyResultOption[]): { kr: KeyResultOption; heading: string | null }[] {
  return keyResults.map((kr, i) => ({ kr, heading: i === 0 || keyResults[i - 1]!.objectiveId !== kr.objectiveId ? kr.objectiveTitle : null }));
}
