"""The trust analysis from Python: the audit of a policy, a decision for a token, and the
GitHubTrustChecks aspect on a CDK app with an iam.Role that trusts the provider with no condition.

Prints one JSON object with what each produced.
"""
import json

from aws_cdk import App, Stack
from aws_cdk import aws_iam as iam

from cdk_github_actions_oidc import GitHubRepository, GitHubToken, GitHubTrustChecks, TrustFindingSeverity, TrustPolicy

ISSUER = "token.actions.githubusercontent.com"
AUDIENCE_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}},
    }],
}
EXACT = json.loads(json.dumps(AUDIENCE_ONLY))
EXACT["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:sub"] = "repo:octo-org/octo-app:ref:refs/heads/main"


def aspect_messages():
    app = App()
    stack = Stack(app, "Ci")
    provider = iam.CfnOIDCProvider(stack, "Provider", url=f"https://{ISSUER}", client_id_list=["sts.amazonaws.com"])
    iam.Role(stack, "Legacy", assumed_by=iam.WebIdentityPrincipal(provider.attr_arn))
    GitHubTrustChecks.add_to(app, error_severity=TrustFindingSeverity.CRITICAL)
    assembly = app.synth()
    artifact = assembly.get_stack_artifact(stack.artifact_id)
    return sorted(f"{message.level.value}: {message.entry.data}" for message in artifact.messages)


def never_matches():
    """A name-form subject for a repository known to send the immutable form, with an audience the provider does not accept."""
    dead = json.loads(json.dumps(EXACT))
    dead["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:aud"] = "https://github.com/octo-org"
    known = GitHubRepository.of("octo-org", "octo-app", owner_id="1234567", repository_id="89012345")
    found = TrustPolicy.from_json(dead).audit(provider_client_ids=["sts.amazonaws.com"], repositories=[known])
    return [{"rule": f.rule, "severity": f.severity.name, "correction": f.correction, "message": f.message} for f in found]


findings = TrustPolicy.from_json(AUDIENCE_ONLY).audit()
print(json.dumps({
    "findings": [{"rule": f.rule, "severity": f.severity.name, "statement": f.statement} for f in findings],
    "denied": TrustPolicy.from_json(EXACT).evaluate(GitHubToken.of(subject="repo:octo-org/octo-app:environment:production")).causes[0].cause,
    "allowed": TrustPolicy.from_json(EXACT).evaluate(GitHubToken.of(subject="repo:octo-org/octo-app:ref:refs/heads/main")).allowed,
    "aspect": aspect_messages(),
    "never_matches": never_matches(),
}))
