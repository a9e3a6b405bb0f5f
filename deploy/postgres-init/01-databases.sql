-- Databases and roles of the docker-compose stack, one PostgreSQL server for both:
--   okr                  the application's database, owned by role okr
--   temporal             Temporal's persistence store, owned by role temporal
--   temporal_visibility  Temporal's visibility store, owned by role temporal
--
-- The postgres image runs this file (as the superuser, with psql) only when it initialises an
-- empty data directory. Passwords come from the container's environment through psql's \getenv
-- (PostgreSQL 15+): OKR_DB_PASSWORD and TEMPORAL_DB_PASSWORD, set in docker-compose.yml.
-- Temporal's tables are created afterwards by the temporal-admin-tools job
-- (deploy/temporal/setup-schema.sh); the application's by the migrate job.

\set ON_ERROR_STOP on

\getenv okr_password OKR_DB_PASSWORD
\getenv temporal_password TEMPORAL_DB_PASSWORD

\if :{?okr_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'OKR_DB_PASSWORD is not set on the postgres service'; END $$;
\endif
\if :{?temporal_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'TEMPORAL_DB_PASSWORD is not set on the postgres service'; END $$;
\endif

CREATE ROLE okr LOGIN PASSWORD :'okr_password';
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';

CREATE DATABASE okr OWNER okr;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

-- Temporal's visibility schema needs btree_gin; create it here as the superuser so the schema
-- job does not depend on the temporal role being allowed to create extensions.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
