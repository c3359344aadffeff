#!/usr/bin/env bash
# The whole test suite, as the README's test command runs it (after `npm ci`):
# install the pinned test tools, build (compile, jest, eslint, API.md, npm package),
# then for each of Python, Java and Go build its package and run its suite against it,
# and print one summary line for the four test suites (jest, pytest, JUnit 5, go test).
# Each language goes on when another fails, so that one run shows them all.
# Exits non-zero when any step fails.
set -uo pipefail
cd "$(dirname "$0")/.."

rm -rf test-reports
status=0
run() {
  echo "::: $*"
  local start=$SECONDS
  "$@" || { echo "::: FAILED: $*"; status=1; echo "::: $* took $((SECONDS - start)) s"; return 1; }
  echo "::: $* took $((SECONDS - start)) s"
}

run bash .ci/setup-tools.sh &&
  # CI=true keeps `build` to the npm package; the other targets are built one by one below.
  run env CI=true npx projen build &&
  {
    run npx projen package:python && run npx projen test:python
    run npx projen package:java && run npx projen test:java
    run npx projen package:go && run npx projen test:go
  }
run python3 .ci/summary.py test-reports/junit.xml test-reports/pytest.xml 'test-reports/java/TEST-*.xml' test-reports/go.xml
exit $status
