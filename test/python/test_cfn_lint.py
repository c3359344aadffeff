"""cfn-lint (pinned in requirements.txt) passes on every template the TypeScript suite synthesized,
including the YAML templates the command line wrote."""
import json

import pytest
from cfnlint.api import ManualArgs, lint_file
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from conftest import ROOT

TEMPLATE_DIR = ROOT / "test-reports" / "cfn-templates"
# Enough that a broken hand-off from jest (nothing written) cannot pass unnoticed.
MIN_TEMPLATES = 40
CONFIG = ManualArgs(regions=["us-east-1", "cn-north-1", "us-gov-west-1"])


def templates():
    return sorted([*TEMPLATE_DIR.glob("*.json"), *TEMPLATE_DIR.glob("*.yaml")])


def test_the_typescript_suite_left_templates_to_lint():
    assert len(templates()) >= MIN_TEMPLATES
    assert any(path.suffix == ".yaml" for path in templates())


def test_cfn_lint_flags_a_broken_template(tmp_path):
    # Sanity case: proves the pinned cfn-lint still finds errors.
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({
        "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"MaxSessionDuration": 60}}}
    }))
    rules = {match.rule.id for match in lint_file(broken, config=CONFIG)}
    assert "E3003" in rules  # AssumeRolePolicyDocument is required
    assert "E3034" in rules  # MaxSessionDuration below 3600


@pytest.mark.parametrize("template", templates(), ids=lambda path: path.stem)
def test_cfn_lint_passes(template):
    matches = lint_file(template, config=CONFIG)
    assert [str(match) for match in matches] == []


def test_the_provider_can_be_adopted_with_cdk_import():
    # CloudFormation imports a resource by its type's primary identifier, reading it first, and
    # only when the template gives it a DeletionPolicy; the provider's schema (as cfn-lint ships
    # it) names the ARN, which GitHubOidcProvider.fromAccount() also builds.
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::IAM::OIDCProvider").schema
    assert schema["primaryIdentifier"] == ["/properties/Arn"]
    assert {"read", "list"} <= set(schema["handlers"])
