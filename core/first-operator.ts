/**
 * The first operator: the person who can open the console before anyone has imported the
 * organisation. Named by CONSOLE_FIRST_OPERATOR (or operator@okr.localhost in the embedded setup);
 * created if missing, and given the hr and admin roles if they lack them (never taken away).
 */
import type { Kysely } from 'kysely';
import type { Role } from '../contract';
import { writeAudit } from '../db/audit';
import { findPersonByEmail } from '../db/people';
import type { DB } from '../db/schema';
import { createSignInLink } from './sign-in';

export const EMBEDDED_FIRST_OPERATOR = 'operator@okr.localhost';
const OPERATOR_ROLES: Role[] = ['hr', 'admin'];

export async function ensureFirstOperator(db: Kysely<DB>, email: string): Promise<{ id: number; email: string; name: string; created: boolean }> {
  const address = email.trim().toLowerCase();
  return db.transaction().execute(async (tx) => {
    const found = await findPersonByEmail(tx, address);
    if (found) {
      const missing = OPERATOR_ROLES.filter((r) => !found.roles.includes(r));
      if (missing.length || !found.active) {
        await tx
          .updateTable('people')
          .set({ roles: [...found.roles, ...missing], active: true, updated_at: new Date() })
          .where('id', '=', found.id)
          .execute();
        await writeAudit(tx, {
          actor: 'configuration',
          action: 'person.first-operator',
          cycleId: null,
          subject: `person:${address}`,
          detail: { added: missing },
        });
      }
      return { id: found.id, email: address, name: found.name, created: false };
    }
    const name = address.split('@')[0]!.replace(/^./, (ch) => ch.toUpperCase());
    const row = await tx.insertInto('people').values({ email: address, name, roles: OPERATOR_ROLES, locale: 'en' }).returning(['id']).executeTakeFirstOrThrow();
    await writeAudit(tx, { actor: 'configuration', action: 'person.first-operator', cycleId: null, subject: `person:${address}`, detail: { created: true } });
    return { id: row.id, email: address, name, created: true };
  });
}

/** `npm start`'s console link: a one-time sign-in link (the usual rules) for the first operator. */
export async function consoleLinkForFirstOperator(db: Kysely<DB>, tokenSecret: string, publicBaseUrl: string, configured: string | undefined) {
  const operator = await ensureFirstOperator(db, configured ?? EMBEDDED_FIRST_OPERATOR);
  const link = await createSignInLink(db, tokenSecret, publicBaseUrl, operator.id);
  return { email: operator.email, url: link.url };
}
