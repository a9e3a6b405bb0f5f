/**
 * Each person's time zone, on a real PostgreSQL: accepted in the people import (CSV column
 * `timeZone`, JSON field), refused with the field and why when Intl does not know it (nothing
 * written), empty meaning the cycle's; the task context carries the owner's zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvToPeopleRows, importPeople, listPeople, validatePeopleRows } from '../../core/people';
import { AppError } from '../../core/errors';
import { findTaskById } from '../../core/task-access';
import { localizedIssues } from '../../i18n/validation';
import { personInputSchema } from '../../contract';
import { type Fixture, addCycle, openFixture, openTask } from '../support/kinds-fixture';

let f: Fixture;
const row = (i: number) => `rows[${i}]`;

beforeAll(async () => {
  f = await openFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('people’s time zones', () => {
  it('imports a CSV timeZone column and JSON timeZone fields; empty means the cycle’s', async () => {
    const csv = 'email,name,managerEmail,locale,timeZone\nwang@tz.example,王芳,,zh-CN,Asia/Shanghai\neva@tz.example,Eva Müller,wang@tz.example,en,\n';
    await importPeople(f.db, validatePeopleRows(csvToPeopleRows(csv), row), 'test', row);
    await importPeople(
      f.db,
      validatePeopleRows(
        [
          { email: 'bo@tz.example', name: 'Bo', timeZone: ' America/New_York ' },
          { email: 'cy@tz.example', name: 'Cy', timeZone: '' },
        ],
        row,
      ),
      'test',
      row,
    );
    const zones = Object.fromEntries((await listPeople(f.db)).map((p) => [p.email, p.timeZone]));
    expect(zones).toEqual({ 'wang@tz.example': 'Asia/Shanghai', 'eva@tz.example': null, 'bo@tz.example': 'America/New_York', 'cy@tz.example': null });
    // a later import changes it
    await importPeople(f.db, validatePeopleRows([{ email: 'wang@tz.example', name: '王芳', timeZone: 'Europe/Berlin' }], row), 'test', row);
    expect((await listPeople(f.db)).find((p) => p.email === 'wang@tz.example')!.timeZone).toBe('Europe/Berlin');
  });

  it('refuses a time zone Intl does not know, naming the row and field, in both languages, and writes nothing', async () => {
    const before = await listPeople(f.db);
    const error = (() => {
      try {
        validatePeopleRows(
          [
            { email: 'ok@tz.example', name: 'Ok' },
            { email: 'bad@tz.example', name: 'Bad', timeZone: 'Mars/Olympus' },
          ],
          row,
        );
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toMatchObject({
      issues: [{ path: 'rows[1].timeZone', message: 'an IANA time zone such as "Europe/Berlin" or "Asia/Shanghai"' }],
    });
    const parsed = personInputSchema.safeParse({ email: 'bad@tz.example', name: 'Bad', timeZone: 'GMT+1 please' });
    expect(parsed.success).toBe(false);
    expect(localizedIssues(parsed.error!.issues, 'zh-CN')).toEqual([
      { path: 'timeZone', message: '请填写 IANA 时区名称，例如 Asia/Shanghai 或 Europe/Berlin' },
    ]);
    expect(await listPeople(f.db)).toEqual(before);
  });

  it('the task context carries the owner’s zone, else the cycle’s', async () => {
    const ids = Object.fromEntries((await f.db.selectFrom('people').select(['id', 'email']).execute()).map((p) => [p.email, p.id]));
    const cycleId = await addCycle(f.db, 'tz', [ids['wang@tz.example']!, ids['eva@tz.example']!]);
    await f.db
      .updateTable('cycles')
      .set({ schedule: JSON.stringify({ timeZone: 'Europe/Lisbon' }) })
      .where('id', '=', cycleId)
      .execute();
    const wang = await openTask(f.db, { cycleId, personId: ids['wang@tz.example']!, kind: 'draft' });
    const eva = await openTask(f.db, { cycleId, personId: ids['eva@tz.example']!, kind: 'draft' });
    expect((await findTaskById(f.db, wang.id))!.timeZone).toBe('Europe/Berlin');
    expect((await findTaskById(f.db, eva.id))!.timeZone).toBe('Europe/Lisbon');
  });
});
