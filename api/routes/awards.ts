/**
 * Awards for HR (JSON API, in /openapi.json): a cycle's winners with their bonuses, the bonus CSV
 * for payroll, each winner's certificate as PDF. All HR only (not admin): bonuses are HR's.
 * And the winner's own certificate link (`winnerCertificateRoutes`, mounted at /awards), signed
 * per nomination and winner, which opens that one certificate and nothing else.
 */
import { Hono } from 'hono';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';

import { bonusCsv, certificateOf, isCertificateSignature, winnersWithBonus } from '../../core/awards';
import { ErrorCode, cycleKeySchema } from '../../contract';
import { AppError } from '../../core/errors';
import { requireCycleByKey } from '../../db/cycles';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { errorSchema, json } from '../schemas';

const keyParam = z.object({ key: cycleKeySchema });
const nominationParam = keyParam.extend({ nominationId: z.coerce.number().int().positive().max(2_147_483_647, 'no such nomination (the id is too large)') });

const winnerSchema = z
  .object({
    nominationId: z.number().int(),
    person: z.object({ id: z.number().int(), name: z.string(), email: z.string(), locale: z.enum(['en', 'zh-CN']) }),
    objective: z.object({ id: z.number().int(), title: z.string() }).nullable(),
    awardName: z.string().nullable().describe('null: the default name ("OKR Award") in the winner’s language'),
    citation: z.string(),
    votes: z.number().int(),
    awardedAt: z.string().nullable(),
    awardedBy: z.string().nullable().describe('the HR person who chose the winner'),
    bonus: z.object({ amount: z.string().describe('decimal, two places'), currency: z.string().describe('ISO 4217') }).nullable(),
  })
  .openapi('AwardWinner');

const winnersRoute = createRoute({
  method: 'get',
  path: '/{key}/awards',
  summary: "A cycle's award winners with their bonuses (HR only)",
  description: 'As HR recorded them in the finalize task. Bonuses appear only here and in the bonus CSV; no email carries them.',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: { ...keyRoute, 200: json(z.object({ winners: z.array(winnerSchema) }), 'The winners'), 404: json(errorSchema, 'No such cycle') },
});
const bonusCsvRoute = createRoute({
  method: 'get',
  path: '/{key}/awards/bonuses.csv',
  summary: 'The award bonuses as CSV for payroll (HR only)',
  description:
    'One line per winner with a bonus: nomination_id, winner_email, winner_name, award, objective, amount, currency, awarded_at. UTF-8 with a byte-order mark, CRLF lines; cells starting with = + - @, a tab or a carriage return are prefixed with an apostrophe (no formula runs in a spreadsheet).',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: { ...keyRoute, 200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string() } } }, 404: json(errorSchema, 'No such cycle') },
});
const certificateRoute = createRoute({
  method: 'get',
  path: '/{key}/awards/{nominationId}/certificate.pdf',
  summary: "A winner's certificate as PDF (HR only)",
  description: 'A4 landscape, in the winner’s language unless `locale` says otherwise; rendered from what HR recorded.',
  security: [{ bearer: [] }],
  request: { params: nominationParam, query: z.object({ locale: z.enum(['en', 'zh-CN']).optional() }) },
  responses: {
    ...keyRoute,
    200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    404: json(errorSchema, 'No such cycle, or the nomination is not a winner of it'),
  },
});

const pdfHeaders = (fileName: string) => ({
  'content-type': 'application/pdf',
  'content-disposition': `attachment; filename="certificate.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  'cache-control': 'private, no-store',
});

export function awardRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('/:key/awards', requireRole(auth, 'hr'));
  app.use('/:key/awards/*', requireRole(auth, 'hr'));

  app.openapi(winnersRoute, async (c) => {
    const cycle = await requireCycleByKey(deps.db, c.req.valid('param').key);
    const winners = await winnersWithBonus(deps.db, cycle.id);
    return c.json(
      {
        winners: winners.map((w) => ({
          nominationId: w.nominationId,
          person: { id: w.person.id, name: w.person.name, email: w.person.email, locale: w.person.locale },
          objective: w.objective,
          awardName: w.awardName,
          citation: w.citation,
          votes: w.votes,
          awardedAt: w.awardedAt?.toISOString() ?? null,
          awardedBy: w.hrName,
          bonus: w.bonus,
        })),
      },
      200,
    );
  });
  app.openapi(bonusCsvRoute, async (c) => {
    const { key } = c.req.valid('param');
    const cycle = await requireCycleByKey(deps.db, key);
    return c.body(await bonusCsv(deps.db, cycle.id), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${key}-award-bonuses.csv"`,
      'cache-control': 'private, no-store',
    });
  });
  app.openapi(certificateRoute, async (c) => {
    const { key, nominationId } = c.req.valid('param');
    const cycle = await requireCycleByKey(deps.db, key);
    const owned = await deps.db.selectFrom('nominations').select('id').where('id', '=', nominationId).where('cycle_id', '=', cycle.id).executeTakeFirst();
    const certificate = owned ? await certificateOf(deps.db, nominationId, c.req.valid('query').locale) : undefined;
    if (!certificate) throw new AppError(ErrorCode.notFound, 'this nomination is not a winner of the cycle');
    return c.body(Buffer.from(certificate.pdf), 200, pdfHeaders(certificate.fileName));
  });
  return app;
}

/** The winner's own link (from their award email): /awards/certificates/<nomination>/<person>/<signature>. */
export function winnerCertificateRoutes(deps: ApiDeps, tokenSecret: string) {
  const app = new Hono();
  app.get('/certificates/:nominationId/:personId/:signature', async (c) => {
    const nominationId = Number(c.req.param('nominationId'));
    const personId = Number(c.req.param('personId'));
    const notFound = () => c.text('Not found', 404, { 'cache-control': 'no-store' });
    if (!Number.isSafeInteger(nominationId) || !Number.isSafeInteger(personId) || nominationId <= 0 || personId <= 0) return notFound();
    if (!isCertificateSignature(tokenSecret, nominationId, personId, c.req.param('signature'))) return notFound();
    // Still the winner: HR may have changed the pick since the email went out.
    const row = await deps.db
      .selectFrom('nominations as n')
      .leftJoin('objectives as o', 'o.id', 'n.objective_id')
      .select('n.id')
      .where('n.id', '=', nominationId)
      .where('n.winner', '=', true)
      .where((eb) => eb.or([eb('n.person_id', '=', personId), eb('o.owner_id', '=', personId)]))
      .executeTakeFirst();
    const certificate = row ? await certificateOf(deps.db, nominationId) : undefined;
    if (!certificate) return notFound();
    return c.body(Buffer.from(certificate.pdf), 200, pdfHeaders(certificate.fileName));
  });
  return app;
}
