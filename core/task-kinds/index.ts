/** The handler for each kind of task. */
import type { TaskKind } from '../../contract';
import { draftHandler } from './draft';
import type { KindHandler } from './types';

export const kindHandlers: Partial<{ [K in TaskKind]: KindHandler<K> }> = {
  draft: draftHandler,
};

export * from './types';
