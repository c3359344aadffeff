"""Builds the stacks of test/cross-language.test.ts through the Python wheel and prints
their templates and rendered workflows as one JSON object, keyed by scenario name.

Runs inside the fresh virtualenv that test/python/conftest.py makes.
"""
import json

from aws_cdk import App, CfnParameter, Environment, Fn, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk.assertions import Template

from cdk_github_actions_oidc import (
    EcrPushRole,
    GitHubActionsRole,
    GitHubClaim,
    GitHubClaimCondition,
    GitHubIssuer,
    GitHubOidcProvider,
    GitHubRepository,
    GitHubSubject,
)


def provider_and_role(stack):
    provider = GitHubOidcProvider(stack, "GitHub")
    app = GitHubRepository.of("octo-org", "octo-app")
    role = GitHubActionsRole(
        stack,
        "Deploy",
        provider=provider,
        subjects=[app.branch("main"), app.environment("production"), app.tag("v*")],
        role_name="octo-app-deploy",
    )
    role.add_subject(app.pull_request())
    return role


def enterprise_import(stack):
    issuer = GitHubIssuer.enterprise_server("github.example.com")
    provider = GitHubOidcProvider.from_account(stack, "GitHub", issuer=issuer)
    app = GitHubRepository.of("platform", "infra", owner_id="1001", repository_id="2002")
    return GitHubActionsRole(stack, "Deploy", provider=provider, subjects=[app.environment("prod:eu")])


def reusable_workflow(stack):
    provider = GitHubOidcProvider.from_provider_arn(
        stack, "GitHub", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    )
    subject = GitHubSubject.from_claims([
        GitHubClaim.repo(GitHubRepository.from_full_name("octo-org/octo-app")),
        GitHubClaim.environment("production"),
        GitHubClaim.job_workflow_ref("octo-org/shared/.github/workflows/deploy.yml@refs/tags/v*"),
    ])
    return GitHubActionsRole(
        stack,
        "Deploy",
        provider=provider,
        subjects=[subject, GitHubSubject.from_string("repo:octo-org/octo-app:ref:refs/heads/main")],
    )


def ecr_push(stack):
    provider = GitHubOidcProvider(stack, "GitHub")
    images = ecr.Repository(stack, "Images", repository_name="octo-app")
    shared = ecr.Repository.from_repository_arn(
        stack, "Shared", "arn:aws:ecr:us-east-1:111111111111:repository/shared/base"
    )
    app = GitHubRepository.of("octo-org", "octo-app")
    return EcrPushRole(
        stack,
        "Push",
        provider=provider,
        subjects=[app.branch("main"), app.tag("v*")],
        repositories=[images, shared],
        allow_pull=False,
        outputs=True,
    )


def deploy_time_values(stack):
    provider = GitHubOidcProvider.from_account(stack, "GitHub")
    owner = CfnParameter(stack, "Owner", default="octo-org").value_as_string
    app = GitHubRepository.of(owner, "octo-app")
    images = ecr.Repository.from_repository_name(stack, "Images", Fn.import_value("ImagesRepositoryName"))
    return EcrPushRole(
        stack,
        "Push",
        provider=provider,
        subjects=[app.tag("v*"), app.environment(CfnParameter(stack, "Environment").value_as_string)],
        repositories=[images],
    )


def claim_conditions(stack):
    provider = GitHubOidcProvider.from_account(stack, "GitHub")
    app = GitHubRepository.of("octo-org", "octo-app", repository_id="89012345")
    return GitHubActionsRole(
        stack,
        "Deploy",
        provider=provider,
        subjects=[
            app.merge_queue("main"),
            app.environment("production").with_conditions(
                GitHubClaimCondition.ref("refs/heads/main"),
                GitHubClaimCondition.job_workflow_ref("octo-org/shared/.github/workflows/deploy.yml@refs/heads/main"),
            ),
        ],
        claim_conditions=[GitHubClaimCondition.not_actor("dependabot[bot]")],
        role_name="octo-app-deploy",
    )


SCENARIOS = {
    "provider-and-role": provider_and_role,
    "enterprise-import": enterprise_import,
    "reusable-workflow": reusable_workflow,
    "ecr-push": ecr_push,
    "deploy-time-values": deploy_time_values,
    "claim-conditions": claim_conditions,
}


def main():
    templates = {}
    for name, build in SCENARIOS.items():
        stack = Stack(App(), "Ci", env=Environment(account="123456789012", region="us-east-1"))
        role = build(stack)
        templates[name] = {
            "template": Template.from_stack(stack).to_json(),
            "workflow": role.render_workflow(),
        }
    print(json.dumps(templates))


if __name__ == "__main__":
    main()
