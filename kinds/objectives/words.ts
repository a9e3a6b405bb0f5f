/** strategy and draft, in every language. */
import type { KindWordsByLocale } from '../../i18n/kind-words';

export const strategyWords: KindWordsByLocale = {
  en: {
    label: 'strategy draft',
    page: {
      title: 'Draft the company OKRs',
      intro: 'Write 1–5 company objectives, each with 2–5 measurable key results: “We will achieve (objective), as measured by (key results)”.',
      submit: 'Submit company OKRs',
      done: 'your OKRs are submitted',
    },
    mail: {
      action: () => 'draft the company objectives',
      noun: () => 'company objectives',
      intro: (title) =>
        `Please draft 1–5 company objectives for ${title}, each with 2–5 measurable key results. HR reviews them before everyone drafts their own.`,
    },
  },
  'zh-CN': {
    label: '战略草稿',
    page: {
      title: '制定公司 OKR',
      intro: '写出 1–5 个公司目标，每个目标包含 2–5 个可衡量的关键结果：“我们将实现（目标），以（关键结果）来衡量”。',
      submit: '提交公司 OKR',
      done: '你的 OKR 已提交',
    },
    mail: {
      action: () => '制定公司目标',
      noun: () => '公司目标',
      intro: (title) => `请为 ${title} 制定 1–5 个公司目标，每个目标包含 2–5 个可衡量的关键结果。HR 审核通过后，大家再制定各自的目标。`,
    },
  },
};

export const draftWords: KindWordsByLocale = {
  en: {
    label: 'OKR draft',
    page: {
      title: 'Draft your OKRs',
      intro: 'Write 1–5 objectives, each with 2–5 measurable key results: “We will achieve (objective), as measured by (key results)”.',
      submit: 'Submit OKRs',
      done: 'your OKRs are submitted',
    },
    mail: {
      action: () => 'draft your OKRs',
      noun: () => 'OKR draft',
      intro: () =>
        'Please draft 1–5 objectives for this cycle, each with 2–5 measurable key results ("We will achieve …, as measured by …"), and align each objective to a company or manager objective.',
    },
  },
  'zh-CN': {
    label: 'OKR 草稿',
    page: {
      title: '制定你的 OKR',
      intro: '写出 1–5 个目标，每个目标包含 2–5 个可衡量的关键结果：“我们将实现（目标），以（关键结果）来衡量”。',
      submit: '提交 OKR',
      done: '你的 OKR 已提交',
    },
    mail: {
      action: () => '制定你的 OKR',
      noun: () => 'OKR 草案',
      intro: () => '请为本周期制定 1–5 个目标，每个目标包含 2–5 个可衡量的关键结果（“我们将实现……，以……来衡量”），并将每个目标对齐到公司或上级的目标。',
    },
  },
};
