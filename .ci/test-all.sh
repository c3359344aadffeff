#!/usr/bin/env bash
# The whole test suite, as the README's test command runs it (after `npm ci`):
# install the pinned test tools, build (compile, jest, eslint, API.md, npm package),
# build the Python wheel and run the Python suite against it, build the Java and Go
# packages (which compiles them), and print one summary line for both test suites.
# Exits non-zero when any step fails.
set -uo pipefail
cd "$(dirname "$0")/.."

rm -rf test-reports
status=0
run() {
  echo "::: $*"
  local start=$SECONDS
  "$@" || { echo "::: FAILED: $*"; status=1; }
  echo "::: $* took $((SECONDS - start)) s"
}

run bash .ci/setup-tools.sh
# CI=true keeps `build` to the npm package; the other targets are built one by one below.
[ $status -eq 0 ] && run env CI=true npx projen build
[ $status -eq 0 ] && run npx projen package:python
[ $status -eq 0 ] && run npx projen test:python
[ $status -eq 0 ] && run npx projen package:java
[ $status -eq 0 ] && run npx projen package:go
run python3 .ci/summary.py test-reports/junit.xml test-reports/pytest.xml
exit $status
