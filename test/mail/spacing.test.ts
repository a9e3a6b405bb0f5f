/** Chinese typography: a space between Chinese characters and Latin words, in emails and in the homes' pages. */
import { describe, expect, it } from 'vitest';
import { teamWordsByLocale } from '../../i18n/console-team';
import { homeWordsByLocale } from '../../i18n/homes';
import { spaceLatin, spacedWords } from '../../mail/templates/spacing';

describe('spaceLatin', () => {
  it('puts one space between Han and Latin letters, both ways, and leaves the rest alone', () => {
    expect(spaceLatin('审核Eva Müller的OKR')).toBe('审核 Eva Müller 的 OKR');
    expect(spaceLatin('第 2 周：Ana，你好')).toBe('第 2 周：Ana，你好');
    expect(spaceLatin('2026年12月3日')).toBe('2026年12月3日');
  });
});

describe('spacedWords', () => {
  it('spaces fixed sentences and the ones built from a name, keeps the shape and non-strings', () => {
    const words = spacedWords({ fixed: '查看OKR', built: (name: string) => `对${name}的评语`, n: 3, nested: { list: ['给Ana'] } });
    expect(words.fixed).toBe('查看 OKR');
    expect(words.built('Mia Manager')).toBe('对 Mia Manager 的评语');
    expect(words.n).toBe(3);
    expect(words.nested.list).toEqual(['给 Ana']);
  });

  it('is applied to the Chinese words of the homes, not to the English ones', () => {
    const zhTeam = teamWordsByLocale['zh-CN'];
    const enTeam = teamWordsByLocale.en;
    expect(zhTeam.team.intro('Mia Manager')).toMatch(/^Mia Manager 在/);
    expect(enTeam.team.intro('Mia Manager')).not.toMatch(/ {2}/);
    expect(homeWordsByLocale['zh-CN'].me.intro('Ana')).toMatch(/^Ana：/);
  });
});
