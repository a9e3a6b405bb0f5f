/**
 * The console's words (sign-in, the shell, people and operations pages, the sign-in email) in
 * every supported language. English is the reference; other languages are typed against it, so a
 * missing key is a compile error, and test/kinds/i18n.test.ts compares their shapes.
 */
import type { Locale } from '../contract';

const en = {
  product: 'OKR console',
  nav: { label: 'Console', people: 'People', cycles: 'Cycles', operations: 'Operations', signOut: 'Sign out', signedInAs: (name: string) => `Signed in as ${name}` },
  skip: 'Skip to content',
  forbidden: {
    title: 'Not allowed',
    heading: 'You cannot open this page',
    body: (roles: string) => `This page needs the role ${roles}. Ask an administrator if you need it.`,
    json: (roles: string) => `this action needs the role ${roles}`,
  },
  crossSite: 'This form was sent from another site and was refused. Nothing was changed.',
  tooMany: (seconds: number) => `Too many requests; please wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`,
  conflict: 'Someone did this already (for example a second click). Nothing more was changed.',
  notFound: 'Not found.',
  unavailable: 'A service is not reachable right now. Nothing was changed; please try again in a minute.',
  signIn: {
    title: 'Sign in',
    heading: 'Sign in to the OKR console',
    intro: 'Enter your work email address. We send you a link that signs you in; it works once, for 15 minutes.',
    email: 'Work email',
    submit: 'Email me a sign-in link',
    sentTitle: 'Check your email',
    sent: (email: string) => `If ${email} belongs to someone in the organisation, a sign-in link is on its way. It works once, for 15 minutes.`,
    again: 'Send another link',
    badEmail: 'Enter an email address such as ana@example.com.',
    confirmTitle: 'Sign in',
    confirm: (name: string) => `Hello ${name}. Press the button to sign in to the OKR console.`,
    confirmButton: 'Sign in',
    invalidTitle: 'Link not valid',
    invalid: 'This sign-in link is not valid any more: it was used already, it expired (links work for 15 minutes), or it is incomplete.',
    signedOut: 'You are signed out.',
  },
  mail: {
    subject: 'Your sign-in link for the OKR console',
    hello: (name: string) => `Hello ${name},`,
    body: 'Use this link to sign in to the OKR console. It works once, for 15 minutes.',
    button: 'Sign in',
    notYou: 'If you did not ask for it, ignore this email: nobody can sign in without the link.',
  },
  home: { title: 'Console', intro: 'Choose a page.' },
};

export type ConsoleWords = typeof en;

const zh: ConsoleWords = {
  product: 'OKR 控制台',
  nav: { label: '控制台', people: '人员', cycles: '周期', operations: '运维', signOut: '退出登录', signedInAs: (name) => `已登录：${name}` },
  skip: '跳到正文',
  forbidden: {
    title: '无权访问',
    heading: '您无法打开此页面',
    body: (roles) => `此页面需要角色 ${roles}。如需访问，请联系管理员。`,
    json: (roles) => `此操作需要角色 ${roles}`,
  },
  crossSite: '此表单来自其他网站，已被拒绝。没有任何更改。',
  tooMany: (seconds) => `请求过多，请等待 ${seconds} 秒后重试。`,
  conflict: '此操作已有人完成（例如重复点击）。没有做更多更改。',
  notFound: '未找到。',
  unavailable: '某项服务暂时无法访问。没有任何更改，请稍后重试。',
  signIn: {
    title: '登录',
    heading: '登录 OKR 控制台',
    intro: '请输入您的工作邮箱。我们会发送一个登录链接，仅可使用一次，15 分钟内有效。',
    email: '工作邮箱',
    submit: '发送登录链接',
    sentTitle: '请查收邮件',
    sent: (email) => `如果 ${email} 属于组织中的成员，登录链接已在发送途中。链接仅可使用一次，15 分钟内有效。`,
    again: '再发送一个链接',
    badEmail: '请输入邮箱地址，例如 ana@example.com。',
    confirmTitle: '登录',
    confirm: (name) => `${name}，您好。点击按钮登录 OKR 控制台。`,
    confirmButton: '登录',
    invalidTitle: '链接无效',
    invalid: '此登录链接已失效：已被使用、已过期（链接 15 分钟内有效）或不完整。',
    signedOut: '您已退出登录。',
  },
  mail: {
    subject: '您的 OKR 控制台登录链接',
    hello: (name) => `${name}，您好：`,
    body: '请使用此链接登录 OKR 控制台。链接仅可使用一次，15 分钟内有效。',
    button: '登录',
    notYou: '如果这不是您本人的请求，请忽略此邮件：没有链接任何人都无法登录。',
  },
  home: { title: '控制台', intro: '请选择页面。' },
};

export const consoleWordsByLocale: Record<Locale, ConsoleWords> = { en, 'zh-CN': zh };

export function consoleWords(locale: Locale): ConsoleWords {
  return consoleWordsByLocale[locale] ?? en;
}
