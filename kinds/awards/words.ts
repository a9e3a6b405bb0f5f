/** nominate, vote and finalize, in every language. */
import type { KindWordsByLocale } from '../../i18n/kind-words';

export const nominateWords: KindWordsByLocale = {
  en: {
    label: 'nominations',
    page: {
      title: 'Nominate for the OKR awards',
      intro: 'Nominate up to 3 objectives or people, each with a citation that says why. Leave the rows empty to nominate nobody.',
      submit: 'Send nominations',
      done: 'your nominations are recorded',
    },
    mail: {
      action: () => 'nominate for the awards',
      noun: () => 'award nominations',
      intro: (title) => `Nominate up to 3 people or objectives of ${title} for an award, each with a short citation.`,
    },
  },
  'zh-CN': {
    label: '提名',
    page: {
      title: 'OKR 奖项提名',
      intro: '最多提名 3 个目标或人，每项附上说明理由的推荐语。全部留空表示不提名。',
      submit: '提交提名',
      done: '你的提名已记录',
    },
    mail: {
      action: () => '提交奖项提名',
      noun: () => '奖项提名',
      intro: (title) => `请为 ${title} 提名最多 3 个人或目标参评奖项，并各写一段简短的推荐理由。`,
    },
  },
};

export const voteWords: KindWordsByLocale = {
  en: {
    label: 'votes',
    page: { title: 'Vote for the OKR awards', intro: 'Choose up to 3 nominations.', submit: 'Vote', done: 'your vote is recorded' },
    mail: {
      action: () => 'vote for the awards',
      noun: () => 'award vote',
      intro: (title) => `Vote for up to 3 of the award nominations of ${title}.`,
    },
  },
  'zh-CN': {
    label: '投票',
    page: { title: 'OKR 奖项投票', intro: '最多选择 3 项提名。', submit: '投票', done: '你的投票已记录' },
    mail: {
      action: () => '为奖项投票',
      noun: () => '奖项投票',
      intro: (title) => `请从 ${title} 的奖项提名中投票，最多 3 票。`,
    },
  },
};

export const finalizeWords: KindWordsByLocale = {
  en: {
    label: 'final choice',
    page: {
      title: 'Choose the award winners',
      intro: 'Tick the winning nominations and write the announcement.',
      submit: 'Record the winners',
      done: 'the winners are recorded',
    },
    mail: {
      action: () => 'pick the award winners',
      noun: () => 'choice of award winners',
      intro: (title) => `Pick the award winners of ${title} from the nominations and votes.`,
    },
  },
  'zh-CN': {
    label: '最终评定',
    page: { title: '确定获奖者', intro: '勾选获奖的提名，并撰写公告。', submit: '记录获奖者', done: '获奖者已记录' },
    mail: {
      action: () => '确定获奖名单',
      noun: () => '获奖名单',
      intro: (title) => `请根据提名和投票确定 ${title} 的获奖名单。`,
    },
  },
};
