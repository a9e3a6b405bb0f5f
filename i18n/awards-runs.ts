/**
 * The words of the yearly awards run's console pages (starting one, its place in the cycle list
 * and on its dashboard), in every supported language. English is the reference; the other
 * languages are typed against it.
 */
import type { Locale } from '../contract';

const en = {
  start: 'Start a yearly awards run',
  title: 'Start a yearly awards run',
  intro:
    'Awards are best chosen once a year. Managers and ambassadors who took part in the year’s cycles nominate objectives or people, with the OKR record of every quarter beside each nomination; the award committee (HR when there is none) votes; you choose the winners. Everyone gets the announcement with the winners’ stories, each winner a certificate. The preview writes nothing and sends nothing.',
  key: 'Key (letters, digits, . _ -)',
  name: 'Title',
  year: 'Year',
  timeZone: 'Time zone',
  length: 'Length (nominations, votes and your choice each take a third; e.g. 21d)',
  reminders: 'Reminders before each due time (comma separated)',
  cycles: 'Cycles whose OKRs are looked at',
  cyclesHint: 'None ticked: every cycle that starts in the year and was not cancelled.',
  noCycles: 'No cycle has been started yet: an awards run looks at the OKRs of a year’s cycles.',
  preview: 'Preview',
  submit: 'Start the awards run',
  confirm: (n: number) => `Start the awards run? Nominations open now; ${n} people take part.`,
  previewHeading: 'Preview',
  covers: 'Covers',
  participants: (n: number) => `${n} ${n === 1 ? 'person takes' : 'people take'} part (everyone still active from these cycles).`,
  step: 'Step',
  opens: 'Opens',
  due: 'Due',
  kind: 'Yearly awards run',
  badField: (field: string, why: string) => `${field}: ${why}`,
  /** The fields as a refusal names them. */
  fields: { key: 'Key', title: 'Title', year: 'Year', cycles: 'Cycles', awards: 'Length', timeZone: 'Time zone', reminders: 'Reminders' } as Record<
    string,
    string
  >,
  keyTaken: (key: string) => `The key ${key} is already used by a cycle or awards run with other settings: choose another key.`,
  noAwards: 'No awards in this cycle: they are chosen in a yearly awards run',
};

type Words = typeof en;

const zh: Words = {
  start: '发起年度评奖',
  title: '发起年度评奖',
  intro:
    'OKR 奖最好每年评选一次。参加了当年各周期的经理和 OKR 大使提名目标或个人，每个提名旁都附有各季度的 OKR 记录；评奖委员会（没有委员会时由人力资源）投票；由你选出获奖者。所有人都会收到附有获奖故事的公告，每位获奖者还会收到奖状。预览不会保存或发送任何内容。',
  key: '标识（字母、数字、. _ -）',
  name: '标题',
  year: '年份',
  timeZone: '时区',
  length: '时长（提名、投票和你的评定各占三分之一，例如 21d）',
  reminders: '截止前的提醒（以逗号分隔）',
  cycles: '参与评奖的周期',
  cyclesHint: '不勾选：该年开始且未取消的所有周期。',
  noCycles: '尚未发起任何周期：年度评奖依据的是一年中各周期的 OKR。',
  preview: '预览',
  submit: '发起评奖',
  confirm: (n: number) => `确定发起评奖吗？提名将立即开始，共 ${n} 人参与。`,
  previewHeading: '预览',
  covers: '涵盖',
  participants: (n: number) => `共 ${n} 人参与（这些周期中仍在职的所有人）。`,
  step: '步骤',
  opens: '开始',
  due: '截止',
  kind: '年度评奖',
  badField: (field: string, why: string) => `${field}：${why}`,
  fields: { key: '标识', title: '标题', year: '年份', cycles: '周期', awards: '时长', timeZone: '时区', reminders: '提醒' },
  keyTaken: (key: string) => `标识 ${key} 已被设置不同的周期或评奖使用，请换一个标识。`,
  noAwards: '本周期不评奖：奖项在年度评奖中评选',
};

const WORDS: Record<Locale, Words> = { en, 'zh-CN': zh };

export function awardsRunWords(locale: Locale): Words {
  return WORDS[locale] ?? en;
}
