#!/usr/bin/env bash
# Installs the pinned test tools that do not come from npm:
#   .venv/         Python virtualenv with test/python/requirements.txt (pytest, cfn-lint)
#   .tools/bin/    actionlint, and gotestsum (runs the Go suite, writes its JUnit report),
#                  both built from the Go module proxy
# Safe to run again: it only installs what is missing or at another version.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12
GOTESTSUM_VERSION=v1.13.0

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r test/python/requirements.txt

if ! .tools/bin/actionlint -version 2>/dev/null | grep -qx "${ACTIONLINT_VERSION}"; then
  GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi
if ! .tools/bin/gotestsum --version 2>/dev/null | grep -qx "gotestsum version ${GOTESTSUM_VERSION}"; then
  GOBIN="$PWD/.tools/bin" go install "gotest.tools/gotestsum@${GOTESTSUM_VERSION}"
fi

echo "test tools: $(.venv/bin/python -m pytest --version 2>&1), cfn-lint $(.venv/bin/cfn-lint --version | awk '{print $2}'), actionlint $(.tools/bin/actionlint -version | head -1), $(.tools/bin/gotestsum --version)"
