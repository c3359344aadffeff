"""actionlint (pinned in .ci/setup-tools.sh) passes on every workflow the TypeScript suite rendered."""
import subprocess

import pytest

from conftest import ROOT

ACTIONLINT = ROOT / ".tools" / "bin" / "actionlint"
WORKFLOW_DIR = ROOT / "test-reports" / "workflows"
MIN_WORKFLOWS = 20


def workflows():
    return sorted(WORKFLOW_DIR.glob("*.yml"))


def actionlint(path):
    return subprocess.run([str(ACTIONLINT), "-no-color", str(path)], capture_output=True, text=True)


def test_the_typescript_suite_left_workflows_to_lint():
    assert len(workflows()) >= MIN_WORKFLOWS


def test_actionlint_flags_a_broken_workflow(tmp_path):
    # Sanity case: proves the pinned actionlint still knows configure-aws-credentials' inputs.
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v5\n"
        "        with:\n"
        "          role-to-asume: ${{ vars.AWS_ROLE_ARN }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'missing input "aws-region"' in result.stdout
    assert 'input "role-to-asume" is not defined' in result.stdout


@pytest.mark.parametrize("workflow", workflows(), ids=lambda path: path.stem)
def test_actionlint_passes(workflow):
    result = actionlint(workflow)
    assert (result.returncode, result.stdout) == (0, "")
