# Sourced by .ci/run before the README's test command: a PostgreSQL server for the ledger tests
# (tests/ledger/test_ledger_sql.py, randinspect.ledger.sql). Installs Debian's postgresql package, starts its
# cluster, creates a user and a database, and exports RANDINSPECT_TEST_PG. With that variable set the
# PostgreSQL tests fail (never skip) if the server cannot be reached.
if [ -n "${RANDINSPECT_TEST_PG:-}" ]; then
  echo "postgres: using the given RANDINSPECT_TEST_PG"
  return 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "postgres: not root, so no server is installed; the tests start a throwaway one if initdb is found" >&2
  return 0
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
  pg_createcluster "$PG_VERSION" main >/dev/null
fi
pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1 || pg_ctlcluster "$PG_VERSION" main start
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $3 }')"
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'randinspect') THEN
    CREATE ROLE randinspect LOGIN PASSWORD 'randinspect';
  END IF; END \$\$;"
if ! runuser -u postgres -- psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = 'randinspect_test'" | grep -q 1; then
  runuser -u postgres -- createdb -p "$PG_PORT" -O randinspect randinspect_test
fi
export RANDINSPECT_TEST_PG="postgresql+psycopg://randinspect:randinspect@localhost:${PG_PORT}/randinspect_test"
echo "postgres: PostgreSQL ${PG_VERSION} on port ${PG_PORT}, RANDINSPECT_TEST_PG exported"
