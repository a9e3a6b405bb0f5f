/**
 * HR's final pick: each winning nomination's award name, the citation printed on its certificate,
 * a bonus (amount and ISO 4217 currency, shown only to HR and exported for payroll), when and by
 * whom it was awarded. Frozen in time: takes Kysely<any>, imports no application code.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('nominations')
    .addColumn('award_name', 'text')
    .addColumn('award_citation', 'text')
    .addColumn('bonus_amount', 'numeric(14, 2)', (c) => c.check(sql`bonus_amount >= 0`))
    .addColumn('bonus_currency', 'char(3)')
    .addColumn('awarded_at', 'timestamptz')
    .addColumn('awarded_by', 'integer', (c) => c.references('people.id'))
    .execute();
  await sql`alter table nominations add constraint nominations_bonus_whole check ((bonus_amount is null) = (bonus_currency is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table nominations drop constraint if exists nominations_bonus_whole`.execute(db);
  for (const column of ['awarded_by', 'awarded_at', 'bonus_currency', 'bonus_amount', 'award_citation', 'award_name'])
    await db.schema.alterTable('nominations').dropColumn(column).execute();
}
