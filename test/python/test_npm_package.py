"""The npm package as users get it: installed from dist/js, its `cdk-github-actions-oidc`
command writes a template that cfn-lint accepts and a workflow that actionlint accepts."""
import json
import subprocess

import pytest
from cfnlint.api import ManualArgs, lint_file

from conftest import ROOT, cdk_version
from test_actionlint import actionlint


@pytest.fixture(scope="module")
def consumer(tmp_path_factory):
    """A new npm project with the packed library and its peer dependencies installed."""
    tarballs = sorted((ROOT / "dist" / "js").glob("*.tgz"))
    assert tarballs, "no npm package in dist/js: run `npx projen build` first"
    directory = tmp_path_factory.mktemp("consumer")
    (directory / "package.json").write_text(json.dumps({"name": "consumer", "private": True}))
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
         str(tarballs[-1]), f"aws-cdk-lib@{cdk_version()}", "constructs@10"],
        cwd=directory, check=True, capture_output=True,
    )
    return directory


def run_command(consumer, *args):
    return subprocess.run(["npx", "--no-install", "cdk-github-actions-oidc", *args], cwd=consumer, capture_output=True, text=True)


def test_installed_command_writes_a_deployable_template_and_workflow(consumer):
    result = run_command(consumer, "--repo", "octo-org/octo-app", "--tag", "v*", "--ecr-repository", "octo-app",
                         "--region", "eu-west-1", "--out", "good")
    assert (result.returncode, result.stderr) == (0, "")
    assert "aws cloudformation deploy --template-file good/github-actions-oidc.template.yaml" in result.stdout
    template = consumer / "good" / "github-actions-oidc.template.yaml"
    workflow = consumer / "good" / ".github" / "workflows" / "github-actions-oidc.yml"
    assert [str(match) for match in lint_file(template, config=ManualArgs(regions=["eu-west-1"]))] == []
    assert actionlint(workflow).returncode == 0


def test_installed_command_refuses_bad_input_and_writes_nothing(consumer):
    result = run_command(consumer, "--repo", "octo-org/*", "--branch", "main", "--region", "eu-west-1", "--out", "bad")
    assert result.returncode == 1
    assert "Invalid GitHub repository '*'" in result.stderr
    assert not (consumer / "bad").exists()
