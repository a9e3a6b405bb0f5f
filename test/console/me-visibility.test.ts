/**
 * core/visibility.ts on a real PostgreSQL: who sees which facet of whom (the person, the manager
 * chain at every level, ambassadors of the person's department, HR, keys; nobody else beyond the
 * public facets), the VISIBILITY_PUBLIC setting, and the sign-in return path that must never
 * leave our own console.
 */
import type { Role } from '../../contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { safeReturnPath, signInPathFor } from '../../api/console/context';
import { FACETS, type Viewer, managersAbove, managesAnyone, maySee, parseVisibility, viewerScope } from '../../core/visibility';
import { homeWordsByLocale } from '../../i18n/homes';
import { type Fixture, addPerson, openFixture } from '../support/kinds-fixture';

describe('who sees what (core/visibility.ts)', () => {
  let f: Fixture;
  const ids: Record<string, number> = {};
  const as = (name: string, roles: Role[] = []): Viewer => ({ kind: 'person', personId: ids[name]!, roles });

  beforeAll(async () => {
    f = await openFixture();
    ids.ceo = await addPerson(f.db, { name: 'Me15 Ceo', roles: ['executive'] });
    ids.boss = await addPerson(f.db, { name: 'Me15 Boss', managerId: ids.ceo, roles: ['manager'] });
    ids.ana = await addPerson(f.db, { name: 'Me15 Ana', managerId: ids.boss });
    ids.other = await addPerson(f.db, { name: 'Me15 Other Boss', managerId: ids.ceo, roles: ['manager'] });
    ids.omar = await addPerson(f.db, { name: 'Me15 Omar', managerId: ids.other });
    ids.amb = await addPerson(f.db, { name: 'Me15 Amb', roles: ['ambassador'] });
    ids.ambElse = await addPerson(f.db, { name: 'Me15 Amb Else', roles: ['ambassador'] });
    ids.hr = await addPerson(f.db, { name: 'Me15 Hr', roles: ['hr'] });
    ids.admin = await addPerson(f.db, { name: 'Me15 Admin', roles: ['admin'] });
    await f.db.updateTable('people').set({ department: 'Sales' }).where('id', 'in', [ids.ana!, ids.amb!]).execute();
    await f.db.updateTable('people').set({ department: 'Ops' }).where('id', 'in', [ids.omar!, ids.ambElse!]).execute();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('shows objectives to everyone and the rest only to the person’s circle', async () => {
    const ana = { id: ids.ana!, department: 'Sales' };
    const circle: [string, Viewer][] = [
      ['self', as('ana')],
      ['manager', as('boss', ['manager'])],
      ['manager', as('ceo', ['executive'])],
      ['ambassador', as('amb', ['ambassador'])],
      ['hr', as('hr', ['hr'])],
      ['key', { kind: 'key' }],
    ];
    for (const [relation, viewer] of circle) {
      const scope = await viewerScope(f.db, viewer);
      expect(scope.relation(ana), relation).toBe(relation);
      expect(scope.facets(ana), relation).toEqual([...FACETS]);
      for (const facet of FACETS) expect(await maySee(f.db, viewer, ids.ana!, facet), `${relation} ${facet}`).toBe(true);
    }
    const outsiders: Viewer[] = [as('other', ['manager']), as('omar'), as('ambElse', ['ambassador']), as('admin', ['admin']), as('amb', [])];
    for (const viewer of outsiders) {
      const scope = await viewerScope(f.db, viewer);
      expect(scope.relation(ana)).toBe('none');
      expect(scope.facets(ana)).toEqual(['objectives']);
      expect(await maySee(f.db, viewer, ids.ana!, 'confidence')).toBe(false);
      expect(await maySee(f.db, viewer, ids.ana!, 'objectives')).toBe(true);
    }
    // A manager sees down the chain, never up.
    expect(await maySee(f.db, as('boss', ['manager']), ids.ceo!, 'scores')).toBe(false);
    expect(await maySee(f.db, as('ana'), ids.boss!, 'checkins')).toBe(false);
    expect(await maySee(f.db, as('ana'), 999_999, 'objectives')).toBe(false);
  });

  it('follows the configured public facets', async () => {
    const open = parseVisibility('objectives, confidence');
    expect(open).toEqual({ ok: true, policy: { public: ['objectives', 'confidence'] } });
    const policy = (open as { ok: true; policy: { public: ('objectives' | 'confidence')[] } }).policy;
    expect(await maySee(f.db, as('omar'), ids.ana!, 'confidence', policy)).toBe(true);
    expect(await maySee(f.db, as('omar'), ids.ana!, 'comments', policy)).toBe(false);
    const closed = parseVisibility('');
    expect(closed).toEqual({ ok: true, policy: { public: [] } });
    expect(await maySee(f.db, as('omar'), ids.ana!, 'objectives', (closed as { ok: true; policy: { public: [] } }).policy)).toBe(false);
    expect(parseVisibility('objectives,salary')).toEqual({ ok: false, unknown: ['salary'] });
    expect(loadConfig({}).visibility).toEqual({ public: ['objectives'] });
    expect(loadConfig({ VISIBILITY_PUBLIC: 'objectives,execution' }).visibility).toEqual({ public: ['objectives', 'execution'] });
    expect(() => loadConfig({ VISIBILITY_PUBLIC: 'objectives,salary' })).toThrow(ConfigError);
    expect(() => loadConfig({ VISIBILITY_PUBLIC: 'objectives,salary' })).toThrow(/VISIBILITY_PUBLIC: a comma-separated list of: objectives, confidence/);
  });

  it('knows who manages someone and the chain above a person (a loop ends it)', async () => {
    expect(await managesAnyone(f.db, ids.boss!)).toBe(true);
    expect(await managesAnyone(f.db, ids.ana!)).toBe(false);
    expect(await managersAbove(f.db, ids.ana!)).toEqual([ids.boss, ids.ceo]);
    const a = await addPerson(f.db, { name: 'Me15 Loop A' });
    const b = await addPerson(f.db, { name: 'Me15 Loop B', managerId: a });
    await f.db.updateTable('people').set({ manager_id: b }).where('id', '=', a).execute();
    expect(new Set(await managersAbove(f.db, a))).toEqual(new Set([a, b]));
    expect((await viewerScope(f.db, as('ana'))).reports.size).toBe(0);
    expect([...(await viewerScope(f.db, as('ceo', ['executive']))).reports].sort()).toEqual([ids.boss, ids.ana, ids.other, ids.omar].sort());
  });

  it('returns after sign-in only to our own console pages', () => {
    expect(safeReturnPath('/console/me')).toBe('/console/me');
    expect(safeReturnPath('/console/company?cycle=me15')).toBe('/console/company?cycle=me15');
    for (const bad of [
      '//evil.example/console/',
      '/\\evil.example',
      'https://evil.example/console/me',
      '/console/../t/x',
      '/console/sign-in',
      '/api/me',
      'console/me',
      '/console/me\r\nX: y',
      42,
      undefined,
    ]) {
      expect(safeReturnPath(bad), String(bad)).toBeUndefined();
    }
    expect(signInPathFor('GET', 'http://h/console/me')).toBe('/console/sign-in?next=%2Fconsole%2Fme');
    expect(signInPathFor('GET', 'http://h/console')).toBe('/console/sign-in');
    expect(signInPathFor('POST', 'http://h/console/me/checkins/1/correct')).toBe('/console/sign-in');
  });

  it('has every word of the homes in English and Chinese, and the Chinese is not English', () => {
    const shape = (v: unknown, at: string): string[] =>
      v && typeof v === 'object'
        ? Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => [`${at}.${k}`, ...shape(x, `${at}.${k}`)])
        : [`${at}:${typeof v}`];
    expect(shape(homeWordsByLocale['zh-CN'], '')).toEqual(shape(homeWordsByLocale.en, ''));
    expect(homeWordsByLocale['zh-CN'].me.title).not.toBe(homeWordsByLocale.en.me.title);
    expect(homeWordsByLocale['zh-CN'].me.correct.closed(2, 'x')).toMatch(/第 2 周/);
  });
});
