/**
 * The task pages' words in every supported language. A page speaks its owner's language
 * (`TaskContext.locale`); pages that know no owner (an unknown link, too many requests) follow
 * the browser's Accept-Language. The English dictionary is the reference: the other languages
 * are typed against it, so a missing sentence is a compile error.
 */
import type { Locale, TaskKind } from '../contract';

interface KindWords {
  /** The page heading. */
  title: string;
  /** One or two sentences under the heading: what to do. */
  intro: string;
  submit: string;
  /** Completes "Thank you, Ana: …". */
  done: string;
}

const en = {
  lang: 'en',
  notFound: {
    title: 'Task not found',
    heading: 'This link is not valid',
    body: 'The task may have ended, or the link is incomplete. If you think this is wrong, ask your HR team for a new link.',
  },
  tooMany: {
    title: 'Too many requests',
    heading: 'Too many requests',
    body: (seconds: number) => `Please wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`,
    json: (seconds: number) => `too many requests; try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
  },
  closed: {
    completedTitle: 'Already completed',
    closedTitle: 'Task closed',
    completed: (when: string | null) => `This task is already completed${when ? ` (${when})` : ''}. Nothing more to do.`,
    closed: (status: string) => `This task is ${status} and can no longer be completed.`,
    status: { open: 'open', completed: 'completed', expired: 'expired', cancelled: 'cancelled' } as Record<string, string>,
  },
  thanksTitle: 'Thank you',
  thanks: (name: string, done: string) => `Thank you, ${name}: ${done}.`,
  due: (when: string) => `due ${when}`,
  about: (name: string) => `About ${name}`,
  banner: 'Please correct the fields marked below. Nothing was saved.',
  unavailable: 'Your answer could not be saved right now. Nothing was saved: please try again in a minute.',
  optional: (label: string) => `${label} (optional)`,
  kinds: {
    strategy: {
      title: 'Draft the company OKRs',
      intro: 'Write 1–5 company objectives, each with 2–5 measurable key results: “We will achieve (objective), as measured by (key results)”.',
      submit: 'Submit company OKRs',
      done: 'your OKRs are submitted',
    },
    'strategy-review': {
      title: 'Review the company OKRs',
      intro: 'Approve the company objectives below, or send them back with a comment that says what should change.',
      submit: 'Send review',
      done: 'your review is recorded',
    },
    draft: {
      title: 'Draft your OKRs',
      intro: 'Write 1–5 objectives, each with 2–5 measurable key results: “We will achieve (objective), as measured by (key results)”.',
      submit: 'Submit OKRs',
      done: 'your OKRs are submitted',
    },
    review: {
      title: 'Review OKRs',
      intro: 'Approve the objectives below, or request changes with a comment that says what should change.',
      submit: 'Send review',
      done: 'your review is recorded',
    },
    checkin: {
      title: 'Weekly check-in',
      intro: 'Update the progress of each key result, say how confident you are, and list what you are working on.',
      submit: 'Save check-in',
      done: 'your check-in is saved',
    },
    'self-score': {
      title: 'Score your key results',
      intro: 'Give each key result a score from 0.0 to 1.0.',
      submit: 'Submit scores',
      done: 'your scores are submitted',
    },
    calibrate: {
      title: 'Calibrate scores',
      intro: 'Check each self score and set the final score from 0.0 to 1.0.',
      submit: 'Submit calibrated scores',
      done: 'the calibrated scores are submitted',
    },
    nominate: {
      title: 'Nominate for the OKR awards',
      intro: 'Nominate up to 3 objectives or people, each with a citation that says why. Leave the rows empty to nominate nobody.',
      submit: 'Send nominations',
      done: 'your nominations are recorded',
    },
    vote: {
      title: 'Vote for the OKR awards',
      intro: 'Choose up to 3 nominations.',
      submit: 'Vote',
      done: 'your vote is recorded',
    },
    finalize: {
      title: 'Choose the award winners',
      intro: 'Tick the winning nominations and write the announcement.',
      submit: 'Record the winners',
      done: 'the winners are recorded',
    },
  } satisfies Record<TaskKind, KindWords>,
  objectives: {
    objective: (n: number) => `Objective ${n}`,
    achieve: 'We will achieve …',
    alignedTo: 'Aligned to',
    notAligned: '— not aligned —',
    keyResult: (n: number) => `Key result ${n}`,
    measuredBy: 'as measured by …',
    measure: 'Measure',
    numeric: 'Number',
    percent: 'Percent',
    milestone: 'Milestone',
    start: 'Start',
    target: 'Target',
    unit: 'Unit',
  },
  review: {
    underReview: 'Objectives under review',
    nothing: 'There are no objectives to review.',
    alignedTo: (parent: string) => `aligned to ${parent}`,
    decision: 'Your decision',
    approve: 'Approve',
    changes: 'Request changes',
    comment: 'Comment',
    commentHint: 'Required when you request changes: say what should change.',
  },
  progress: {
    range: (start: string, target: string, unit: string) => `from ${start} to ${target}${unit ? ` ${unit}` : ''}`,
    current: 'Current value',
    done: 'Done',
    notDone: 'Not done',
    now: (value: string) => `now ${value}`,
  },
  checkin: {
    progress: 'Progress',
    noKeyResults: 'You have no key results to update.',
    confidence: 'Confidence (1–10)',
    confidenceHint: 'How sure are you to reach these key results by the end of the cycle? 1 = not at all, 10 = certain.',
    choose: '— choose —',
    items: 'Projects and tasks',
    item: (n: number) => `Item ${n}`,
    keyResult: 'Key result',
    kind: 'Kind',
    project: 'Project',
    task: 'Task',
    title: 'Title',
    status: 'Status',
    planned: 'Planned',
    inProgress: 'In progress',
    statusDone: 'Done',
    report: 'Weekly report',
    reportHint: 'What moved, what is blocked, what is next.',
  },
  score: {
    scale: '0.0 = no progress · 0.3 = some progress · 0.7 = good: what a stretch goal should reach · 1.0 = fully achieved',
    keyResults: 'Key results',
    score: 'Score (0.0–1.0)',
    progress: 'Progress',
    selfScore: (s: string) => `self score ${s}`,
    suggested: (s: string) => `suggested ${s}`,
    comment: 'Comment (optional)',
    overall: 'Overall comment (optional)',
    noKeyResults: 'There are no key results to score.',
  },
  awards: {
    nomination: (n: number) => `Nomination ${n}`,
    objective: 'An objective',
    none: '— none —',
    orPerson: 'or a person (email address)',
    citation: 'Citation: why does this deserve an award?',
    nominations: 'Nominations',
    noNominations: 'There are no nominations.',
    by: (name: string) => `nominated by ${name}`,
    votes: (n: number) => `${n} vote${n === 1 ? '' : 's'}`,
    announcement: 'Announcement (optional)',
    announcementHint: 'Sent with the results; say why the winners won.',
  },
  /** Validation messages as the contract and the database rules write them → this language. */
  messages: {} as Record<string, string>,
};

export type PageStrings = typeof en;

const zhCN: PageStrings = {
  lang: 'zh-CN',
  notFound: {
    title: '找不到任务',
    heading: '此链接无效',
    body: '任务可能已经结束，或链接不完整。如果你认为这是错误，请向 HR 团队索取新的链接。',
  },
  tooMany: {
    title: '请求过多',
    heading: '请求过多',
    body: (seconds: number) => `请等待 ${seconds} 秒后重试。`,
    json: (seconds: number) => `请求过多，请在 ${seconds} 秒后重试`,
  },
  closed: {
    completedTitle: '已完成',
    closedTitle: '任务已关闭',
    completed: (when: string | null) => `此任务已完成${when ? `（${when}）` : ''}，无需再做任何操作。`,
    closed: (status: string) => `此任务${status}，无法再完成。`,
    status: { open: '进行中', completed: '已完成', expired: '已过期', cancelled: '已取消' },
  },
  thanksTitle: '谢谢',
  thanks: (name: string, done: string) => `谢谢你，${name}：${done}。`,
  due: (when: string) => `截止时间 ${when}`,
  about: (name: string) => `关于 ${name}`,
  banner: '请更正下面标出的字段。没有保存任何内容。',
  unavailable: '暂时无法保存你的回答。没有保存任何内容，请稍后再试。',
  optional: (label: string) => `${label}（可选）`,
  kinds: {
    strategy: {
      title: '制定公司 OKR',
      intro: '写出 1–5 个公司目标，每个目标包含 2–5 个可衡量的关键结果：“我们将实现（目标），以（关键结果）来衡量”。',
      submit: '提交公司 OKR',
      done: '你的 OKR 已提交',
    },
    'strategy-review': {
      title: '审核公司 OKR',
      intro: '批准下面的公司目标，或附上说明需要修改什么的意见将其退回。',
      submit: '提交审核',
      done: '你的审核已记录',
    },
    draft: {
      title: '制定你的 OKR',
      intro: '写出 1–5 个目标，每个目标包含 2–5 个可衡量的关键结果：“我们将实现（目标），以（关键结果）来衡量”。',
      submit: '提交 OKR',
      done: '你的 OKR 已提交',
    },
    review: {
      title: '审核 OKR',
      intro: '批准下面的目标，或附上说明需要修改什么的意见要求修改。',
      submit: '提交审核',
      done: '你的审核已记录',
    },
    checkin: {
      title: '每周进展更新',
      intro: '更新每个关键结果的进展，说明你的信心，并列出你正在做的事情。',
      submit: '保存进展',
      done: '你的进展已保存',
    },
    'self-score': {
      title: '为你的关键结果评分',
      intro: '为每个关键结果打 0.0 到 1.0 的分数。',
      submit: '提交评分',
      done: '你的评分已提交',
    },
    calibrate: {
      title: '校准评分',
      intro: '查看每个自评分数，并给出 0.0 到 1.0 的最终分数。',
      submit: '提交校准后的评分',
      done: '校准后的评分已提交',
    },
    nominate: {
      title: 'OKR 奖项提名',
      intro: '最多提名 3 个目标或人，每项附上说明理由的推荐语。全部留空表示不提名。',
      submit: '提交提名',
      done: '你的提名已记录',
    },
    vote: {
      title: 'OKR 奖项投票',
      intro: '最多选择 3 项提名。',
      submit: '投票',
      done: '你的投票已记录',
    },
    finalize: {
      title: '确定获奖者',
      intro: '勾选获奖的提名，并撰写公告。',
      submit: '记录获奖者',
      done: '获奖者已记录',
    },
  },
  objectives: {
    objective: (n: number) => `目标 ${n}`,
    achieve: '我们将实现……',
    alignedTo: '对齐到',
    notAligned: '— 不对齐 —',
    keyResult: (n: number) => `关键结果 ${n}`,
    measuredBy: '以……来衡量',
    measure: '衡量方式',
    numeric: '数值',
    percent: '百分比',
    milestone: '里程碑',
    start: '起始值',
    target: '目标值',
    unit: '单位',
  },
  review: {
    underReview: '待审核的目标',
    nothing: '没有需要审核的目标。',
    alignedTo: (parent: string) => `对齐到 ${parent}`,
    decision: '你的决定',
    approve: '批准',
    changes: '要求修改',
    comment: '意见',
    commentHint: '要求修改时必填：说明需要修改什么。',
  },
  progress: {
    range: (start: string, target: string, unit: string) => `从 ${start} 到 ${target}${unit ? ` ${unit}` : ''}`,
    current: '当前值',
    done: '已完成',
    notDone: '未完成',
    now: (value: string) => `当前 ${value}`,
  },
  checkin: {
    progress: '进展',
    noKeyResults: '你没有需要更新的关键结果。',
    confidence: '信心（1–10）',
    confidenceHint: '你有多大把握在周期结束前达成这些关键结果？1 = 完全没有把握，10 = 十拿九稳。',
    choose: '— 请选择 —',
    items: '项目与任务',
    item: (n: number) => `事项 ${n}`,
    keyResult: '关键结果',
    kind: '类型',
    project: '项目',
    task: '任务',
    title: '标题',
    status: '状态',
    planned: '计划中',
    inProgress: '进行中',
    statusDone: '已完成',
    report: '周报',
    reportHint: '有哪些进展，哪里受阻，下一步做什么。',
  },
  score: {
    scale: '0.0 = 没有进展 · 0.3 = 有一些进展 · 0.7 = 良好：有挑战性的目标应达到的水平 · 1.0 = 完全达成',
    keyResults: '关键结果',
    score: '分数（0.0–1.0）',
    progress: '进展',
    selfScore: (s: string) => `自评 ${s}`,
    suggested: (s: string) => `建议 ${s}`,
    comment: '意见（可选）',
    overall: '总体意见（可选）',
    noKeyResults: '没有需要评分的关键结果。',
  },
  awards: {
    nomination: (n: number) => `提名 ${n}`,
    objective: '一个目标',
    none: '— 无 —',
    orPerson: '或一个人（电子邮件地址）',
    citation: '推荐语：为什么值得获奖？',
    nominations: '提名',
    noNominations: '没有提名。',
    by: (name: string) => `由 ${name} 提名`,
    votes: (n: number) => `${n} 票`,
    announcement: '公告（可选）',
    announcementHint: '随结果一起发送；说明获奖理由。',
  },
  messages: {
    'at least 3 characters': '至少 3 个字符',
    'at least 10 characters': '至少 10 个字符',
    'at most 200 characters': '最多 200 个字符',
    'at most 2,000 characters': '最多 2,000 个字符',
    'at most 5,000 characters': '最多 5,000 个字符',
    'must be a number': '必须是数字',
    'must be an id': '请选择一项',
    'must not be empty': '不能为空',
    'must differ from start': '必须与起始值不同',
    'kind must be numeric, percent or milestone': '衡量方式必须是数值、百分比或里程碑',
    'at least 2 key results': '至少 2 个关键结果',
    'at most 5 key results': '最多 5 个关键结果',
    'at least 1 objective': '至少 1 个目标',
    'at most 5 objectives': '最多 5 个目标',
    'decision must be approve or changes': '请选择批准或要求修改',
    'say what should change (at least 3 characters)': '请说明需要修改什么（至少 3 个字符）',
    'give a value or done': '请填写当前值或是否完成',
    'at least 1 key result': '至少 1 个关键结果',
    'a whole number': '必须是整数',
    'from 1 to 10': '范围为 1 到 10',
    'kind must be project or task': '类型必须是项目或任务',
    'from 0.0 to 1.0': '范围为 0.0 到 1.0',
    'score at least 1 key result': '至少为 1 个关键结果评分',
    'must be an email address': '必须是电子邮件地址',
    'at most 3 nominations': '最多 3 项提名',
    'vote for at least 1 nomination': '至少投 1 票',
    'at most 3 votes': '最多投 3 票',
    'each nomination once': '每项提名只能选一次',
    'at most 10 winners': '最多 10 名获奖者',
    'choose an objective or enter an email address': '请选择一个目标或填写电子邮件地址',
    'choose an objective or enter an email address, not both': '请选择一个目标或填写电子邮件地址，不能同时填写',
  },
};

const dictionaries: Record<Locale, PageStrings> = { en, 'zh-CN': zhCN };

export const SUPPORTED_LOCALES = Object.keys(dictionaries) as Locale[];

/** The page strings for a locale (English for anything unknown). */
export function pageStrings(locale: string | null | undefined): PageStrings {
  return dictionaries[locale as Locale] ?? en;
}

/** A validation message in the page's language; messages without a translation stay as written. */
export function translateMessage(s: PageStrings, message: string): string {
  return s.messages[message] ?? message;
}

/** The best supported locale for an Accept-Language header ("zh-TW;q=0.9, en;q=0.8" → zh-CN). */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  let best: { locale: Locale; q: number } = { locale: 'en', q: 0 };
  for (const part of (header ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const locale: Locale | undefined = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en' : undefined;
    if (locale && q > best.q) best = { locale, q };
  }
  return best.locale;
}
