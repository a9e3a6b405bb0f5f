/** self-score and calibrate, in every language. */
import type { KindWordsByLocale } from '../../i18n/kind-words';

const replyHowEn = 'Write one line per key result with a score from 0.0 to 1.0, optionally followed by a comment. Any other text is your overall comment.';
const replyHowZh = '每个关键结果写一行，分数范围 0.0 到 1.0，分数后可附说明。其余文字为总体说明。';

export const selfScoreWords: KindWordsByLocale = {
  en: {
    label: 'self-score',
    page: {
      title: 'Score your key results',
      intro: 'Give each key result a score from 0.0 to 1.0.',
      submit: 'Submit scores',
      done: 'your scores are submitted',
    },
    mail: {
      action: () => 'score your key results',
      noun: () => 'self-score',
      intro: (title) => `${title} is ending: please score each of your key results from 0.0 to 1.0 (0.7 is a good result for an ambitious goal).`,
      replyHow: replyHowEn,
    },
  },
  'zh-CN': {
    label: '自评',
    page: {
      title: '为你的关键结果评分',
      intro: '为每个关键结果打 0.0 到 1.0 的分数。',
      submit: '提交评分',
      done: '你的评分已提交',
    },
    mail: {
      action: () => '为你的关键结果自评打分',
      noun: () => '自评打分',
      intro: (title) => `${title} 即将结束：请为每个关键结果打分，范围 0.0 到 1.0（对有挑战的目标，0.7 就是好成绩）。`,
      replyHow: replyHowZh,
    },
  },
};

export const calibrateWords: KindWordsByLocale = {
  en: {
    label: 'calibration',
    page: {
      title: 'Calibrate scores',
      intro: 'Check each self score and set the final score from 0.0 to 1.0.',
      submit: 'Submit calibrated scores',
      done: 'the calibrated scores are submitted',
    },
    mail: {
      action: (_round, subject) => `calibrate ${subject ? `${subject}’s` : 'the'} scores`,
      noun: (_round, subject) => `calibration of ${subject ? `${subject}’s` : 'the'} scores`,
      intro: (title, subject) =>
        `Please set the final score (0.0 to 1.0) of each of ${subject || 'your report'}’s key results for ${title}; it overrides their self-score.`,
      replyHow: replyHowEn,
    },
  },
  'zh-CN': {
    label: '校准',
    page: {
      title: '校准评分',
      intro: '查看每个自评分数，并给出 0.0 到 1.0 的最终分数。',
      submit: '提交校准后的评分',
      done: '校准后的评分已提交',
    },
    mail: {
      action: (_round, subject) => `校准${subject ? `${subject}的` : ''}评分`,
      noun: (_round, subject) => `${subject ? `${subject}的` : ''}评分校准`,
      intro: (title, subject) => `请为 ${subject || '你的下属'} 在 ${title} 中的每个关键结果确定最终得分（0.0 到 1.0），它将覆盖本人的自评。`,
      replyHow: replyHowZh,
    },
  },
};
