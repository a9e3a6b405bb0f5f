/**
 * Responses every route of a kind can give, whatever its own logic: declared once, spread into
 * each route's `responses`, so the API description lists every status a client can meet.
 */
import { errorSchema, json } from './schemas';

/** Any route: the request body is too large, or the database or Temporal is not reachable. */
export const anyRoute = {
  413: json(errorSchema, 'The request body is too large'),
  503: json(errorSchema, 'The database or Temporal is not reachable right now; nothing was changed, try again'),
};

/** Routes behind an API key: also a missing or wrong key, a key without the role, a bad parameter. */
export const keyRoute = {
  400: json(errorSchema, 'Not valid: the field is named in details.issues'),
  401: json(errorSchema, 'No valid API key'),
  403: json(errorSchema, 'The key does not hold the role this route needs'),
  ...anyRoute,
};
