/** strategy-review and review, in every language. */
import type { KindWordsByLocale } from '../../i18n/kind-words';

const replyHowEn = 'Write approve (optionally followed by a comment), or changes: followed by what should change.';
const replyHowZh = '写“批准”（可在后面附上意见），或写“修改：”加上需要修改的内容。';

export const strategyReviewWords: KindWordsByLocale = {
  en: {
    label: 'strategy review',
    page: {
      title: 'Review the company OKRs',
      intro: 'Approve the company objectives below, or send them back with a comment that says what should change.',
      submit: 'Send review',
      done: 'your review is recorded',
    },
    mail: {
      action: (_round, subject) => `review ${subject ? `${subject}’s` : 'the'} company objectives`,
      noun: (_round, subject) => `review of ${subject ? `${subject}’s` : 'the'} company objectives`,
      intro: (title, subject) => `${subject || 'An executive'} has drafted company objectives for ${title}. Please approve them or ask for changes.`,
      replyHow: replyHowEn,
    },
  },
  'zh-CN': {
    label: '战略审核',
    page: {
      title: '审核公司 OKR',
      intro: '批准下面的公司目标，或附上说明需要修改什么的意见将其退回。',
      submit: '提交审核',
      done: '你的审核已记录',
    },
    mail: {
      action: (_round, subject) => `审核${subject ? `${subject}的` : ''}公司目标`,
      noun: (_round, subject) => `${subject ? `${subject}的` : ''}公司目标审核`,
      intro: (title, subject) => `${subject || '高管'}已为 ${title} 制定了公司目标，请批准或提出修改意见。`,
      replyHow: replyHowZh,
    },
  },
};

export const reviewWords: KindWordsByLocale = {
  en: {
    label: 'OKR review',
    page: {
      title: 'Review OKRs',
      intro: 'Approve the objectives below, or request changes with a comment that says what should change.',
      submit: 'Send review',
      done: 'your review is recorded',
    },
    mail: {
      action: (_round, subject) => `review ${subject ? `${subject}’s` : 'the'} OKRs`,
      noun: (_round, subject) => `review of ${subject ? `${subject}’s` : 'the'} OKRs`,
      intro: (title, subject) => `${subject || 'A member of your team'} has drafted their OKRs for ${title}. Please approve them or ask for changes.`,
      replyHow: replyHowEn,
    },
  },
  'zh-CN': {
    label: 'OKR 审核',
    page: {
      title: '审核 OKR',
      intro: '批准下面的目标，或附上说明需要修改什么的意见要求修改。',
      submit: '提交审核',
      done: '你的审核已记录',
    },
    mail: {
      action: (_round, subject) => `审核${subject ? `${subject}的 ` : ' '}OKR`,
      noun: (_round, subject) => `${subject ? `${subject}的 ` : ''}OKR 审核`,
      intro: (title, subject) => `${subject || '你的团队成员'}已提交 ${title} 的 OKR，请批准或提出修改意见。`,
      replyHow: replyHowZh,
    },
  },
};
