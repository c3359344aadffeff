"""The built wheel, used from Python, synthesizes the same templates as the TypeScript library."""
import json

import pytest

from conftest import ROOT, run_app, simulate

REFERENCE_DIR = ROOT / "test-reports" / "cross-language"
SCENARIOS = ["provider-and-role", "enterprise-import", "reusable-workflow", "ecr-push", "deploy-time-values", "claim-conditions"]


@pytest.fixture(scope="module")
def results(wheel_python):
    return run_app(wheel_python, "scenarios")


@pytest.fixture(scope="module")
def templates(results):
    return {name: result["template"] for name, result in results.items()}


def only_resource(template, resource_type):
    found = [r for r in template["Resources"].values() if r["Type"] == resource_type]
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]


@pytest.mark.parametrize("name", SCENARIOS)
def test_template_is_identical_to_the_typescript_one(templates, name):
    reference = json.loads((REFERENCE_DIR / f"{name}.json").read_text())
    assert templates[name] == reference


@pytest.mark.parametrize("name", SCENARIOS)
def test_rendered_workflow_is_identical_to_the_typescript_one(results, name):
    assert results[name]["workflow"] == (REFERENCE_DIR / f"{name}.workflow.yml").read_text()


def test_ecr_push_role_grants_push_only_and_the_authorization_token(templates):
    policy = only_resource(templates["ecr-push"], "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = sorted(action for s in statements for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert "ecr:GetAuthorizationToken" in actions
    assert not [a for a in actions if "*" in a or "Delete" in a or a in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")]
    assert [s["Resource"] for s in statements if s["Resource"] == "*"] == ["*"]


def test_provider_is_a_native_oidc_provider_without_custom_resources(templates):
    template = templates["provider-and-role"]
    provider = only_resource(template, "AWS::IAM::OIDCProvider")
    assert provider["Properties"]["Url"] == "https://token.actions.githubusercontent.com"
    assert provider["Properties"]["ClientIdList"] == ["sts.amazonaws.com"]
    types = {r["Type"] for r in template["Resources"].values()}
    assert types == {"AWS::IAM::OIDCProvider", "AWS::IAM::Role"}


def test_trust_policy_pins_audience_and_splits_exact_subjects_from_patterns(templates):
    role = only_resource(templates["provider-and-role"], "AWS::IAM::Role")
    assert role["Properties"]["RoleName"] == "octo-app-deploy"
    statements = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    sub, aud = "token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:aud"
    assert [s["Condition"]["StringEquals"][aud] for s in statements] == ["sts.amazonaws.com"] * 2
    assert statements[0]["Condition"]["StringEquals"][sub] == [
        "repo:octo-org/octo-app:environment:production",
        "repo:octo-org/octo-app:pull_request",
        "repo:octo-org/octo-app:ref:refs/heads/main",
    ]
    assert statements[1]["Condition"]["StringLike"] == {sub: "repo:octo-org/octo-app:ref:refs/tags/v*"}


def test_enterprise_server_issuer_names_the_condition_keys_and_immutable_subject(templates):
    role = only_resource(templates["enterprise-import"], "AWS::IAM::Role")
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"]["StringEquals"] == {
        "github.example.com/_services/token:aud": "sts.amazonaws.com",
        "github.example.com/_services/token:sub": "repo:platform@1001/infra@2002:environment:prod%3Aeu",
    }


def test_validation_errors_reach_python_with_their_message(wheel_python):
    errors = run_app(wheel_python, "errors")
    assert "wildcards ('*', '?') may not touch the owner" in errors["wildcard-repository"]
    assert "Invalid GitHub repository" in errors["any-repository-string"]
    assert "without the 'refs/...' prefix" in errors["refs-prefix"]
    assert "Duplicate OIDC provider" in errors["duplicate-provider"]
    assert "has a wildcard in '*' before 'repo:octo-org/octo-app'" in errors["wildcard-before-pin"]
    assert "Invalid environment name 'prod<U+202E>': it contains U+202E" in errors["invisible-character"]


def test_messages_name_settings_as_python_spells_them(wheel_python):
    errors = run_app(wheel_python, "errors")
    assert "maxTrustPolicySize (max_trust_policy_size in Python)" in errors["size-limit"]
    assert "Pass one with the region option of the workflow (such as 'eu-west-1')" in errors["workflow-without-region"]
    assert "say which with the workflow's repository option" in errors["workflow-of-two-repositories"]
    assert "renderWorkflow(" not in " ".join(errors.values())


def test_deploy_time_values_are_escaped_at_deployment_from_python_too(templates):
    role = only_resource(templates["deploy-time-values"], "AWS::IAM::Role")
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    text = json.dumps(statement["Condition"]["StringLike"])
    assert '{"Fn::Join": ["${$}", {"Fn::Split": ["$", {"Ref": "Owner"}]}]}' in text
    assert '{"Fn::Join": ["%3A", {"Fn::Split": [":", {"Ref": "Environment"}]}]}' in text


def test_trust_analysis_and_the_aspect_work_from_python(wheel_python):
    result = run_app(wheel_python, "analysis")
    assert result["findings"] == [{"rule": "sub-missing", "severity": "CRITICAL", "statement": 0}]
    assert result["denied"] == "environment-job"
    assert result["allowed"] is True
    # error_severity=CRITICAL: the critical finding fails synthesis, the high one is a warning.
    assert [message.split(" Statement")[0] for message in result["aspect"]] == [
        "ERROR: [sub-missing]", "WARNING: [aud-missing]"], result["aspect"]


def test_never_matches_from_python_with_the_audit_options(wheel_python):
    found = run_app(wheel_python, "analysis")["never_matches"]
    # Both conditions are dead: one finding names them both, so no single correction follows.
    assert [(f["rule"], f["severity"], f["correction"]) for f in found] == [("never-matches", "HIGH", None)]
    assert "the audience 'https://github.com/octo-org' is not a client ID" in found[0]["message"]
    assert "sends its sub in the immutable form ('repo:octo-org@1234567/octo-app@89012345')" in found[0]["message"]


def deployed_in_aws(value):
    """A value as CloudFormation deploys it in the aws partition (the role's provider ARN is a Fn::Join)."""
    if isinstance(value, list):
        return [deployed_in_aws(item) for item in value]
    if isinstance(value, dict):
        if value == {"Ref": "AWS::Partition"}:
            return "aws"
        if list(value) == ["Fn::Join"]:
            separator, parts = value["Fn::Join"]
            return separator.join(deployed_in_aws(parts))
        return {key: deployed_in_aws(item) for key, item in value.items()}
    return value


def test_claim_conditions_from_python_are_judged_by_the_simulator(templates):
    role = only_resource(templates["claim-conditions"], "AWS::IAM::Role")
    policy = deployed_in_aws(role["Properties"]["AssumeRolePolicyDocument"])
    issuer = "token.actions.githubusercontent.com"
    sha = "0123456789abcdef0123456789abcdef01234567"
    shared = "octo-org/shared/.github/workflows/deploy.yml"
    production = {"sub": "repo:octo-org/octo-app:environment:production", "ref": "refs/heads/main",
                  "job_workflow_ref": f"{shared}@refs/heads/main", "actor": "octocat", "repository_id": "89012345"}
    queue = {"sub": f"repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-7-{sha}", "actor": "octocat", "repository_id": "89012345"}
    cases = [
        (production, True),
        ({**production, "repository_id": "99999999"}, False),  # the name, taken by another repository
        ({**production, "actor": "Dependabot[bot]"}, False),
        ({key: v for key, v in production.items() if key != "actor"}, False),  # a negated condition requires its claim
        ({**production, "ref": "refs/heads/feature"}, False),
        ({**production, "job_workflow_ref": f"{shared}@refs/heads/feature"}, False),
        ({**production, "job_workflow_ref": "octo-org/octo-app/.github/workflows/deploy.yml@refs/heads/main"}, False),
        (queue, True),
        ({**queue, "sub": queue["sub"].replace("/main/", "/develop/")}, False),
        ({**queue, "sub": f"repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-x/pr-7-{sha}"}, False),  # base main/pr-x
        ({**queue, "sub": "repo:octo-org/octo-app:ref:refs/heads/main"}, False),
    ]
    requests = [{"issuer": issuer, "contextVariables": {
        **{f"{issuer}:{claim}": value for claim, value in claims.items()}, f"{issuer}:aud": "sts.amazonaws.com"}}
        for claims, _ in cases]
    decisions = simulate(policy, requests)
    assert [d == "Allowed" for d in decisions] == [allowed for _, allowed in cases], decisions
