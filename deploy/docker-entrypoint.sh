#!/bin/sh
# Entry point of the application image (see Dockerfile).
#
#   api | worker | migrate   run the TypeScript file behind the npm script of the same purpose
#                            (`npm run api`, `npm run worker`, `npm run db:migrate`) with tsx's
#                            loader inside this very process: no npm or tsx wrapper process, so
#                            SIGTERM from `docker stop` reaches node directly.
#   anything else            executed as given (`docker run IMAGE node -v`, `... sh`).
#
# Configuration comes only from environment variables; see config/index.ts and docs/deployment.md.
set -eu

# The application root: /app in the image (this file is /app/deploy/docker-entrypoint.sh).
cd "$(dirname "$0")/.."

if [ "$#" -eq 0 ]; then
  set -- api
fi

cmd="$1"
shift

case "$cmd" in
  api) exec node --import tsx scripts/api.ts "$@" ;;
  worker)
    # The V8 heap flags `npm run worker` passes (package.json keeps them, docs/performance.md says why).
    flags=$(sed -n 's|.*"worker": "tsx \(.*\) scripts/worker.ts".*|\1|p' package.json)
    # shellcheck disable=SC2086 # several flags, split on purpose
    exec node $flags --import tsx scripts/worker.ts "$@" ;;
  migrate) exec node --import tsx scripts/migrate.ts "$@" ;;
  *) exec "$cmd" "$@" ;;
esac
