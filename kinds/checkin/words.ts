/** checkin, in every language. */
import type { KindWordsByLocale } from '../../i18n/kind-words';

export const checkinWords: KindWordsByLocale = {
  en: {
    label: 'check-in',
    page: {
      title: 'Weekly check-in',
      intro: 'Update the progress of each key result, say how confident you are, and list what you are working on.',
      submit: 'Save check-in',
      done: 'your check-in is saved',
    },
    mail: {
      action: (round) => `check in for week ${round}`,
      noun: (round) => `week ${round} check-in`,
      intro: (title, _subject, round) =>
        `It is week ${round} of ${title}: please update the progress of your key results and say how confident you are (1–10) that you will reach them.`,
      replyHow:
        'Write one line per key result — a percentage, a number, or done / not done — then your confidence from 1 to 10. Anything else you write is your weekly report. Key results you leave out keep their value.',
      overdueSubject: (cycleTitle, ownerName, round) => `${cycleTitle}: ${ownerName} missed the week ${round} check-in`,
    },
  },
  'zh-CN': {
    label: '周进展',
    page: {
      title: '每周进展更新',
      intro: '更新每个关键结果的进展，说明你的信心，并列出你正在做的事情。',
      submit: '保存进展',
      done: '你的进展已保存',
    },
    mail: {
      action: (round) => `完成第 ${round} 周的进展更新`,
      noun: (round) => `第 ${round} 周进展更新`,
      intro: (title, _subject, round) => `现在是 ${title} 的第 ${round} 周：请更新各关键结果的进展，并给出你达成目标的信心（1–10）。`,
      replyHow: '每个关键结果写一行（百分比、数字，或“已完成”/“未完成”），再写一行信心（1–10）。其余文字即为你的周报。未写到的关键结果保持原值。',
      overdueSubject: (cycleTitle, ownerName, round) => `${cycleTitle}：${ownerName} 未完成第 ${round} 周进展更新`,
    },
  },
};
