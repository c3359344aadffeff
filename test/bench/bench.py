"""The Python half of the benchmark (run by test/bench/bench.ts in a virtualenv with the
built wheel): import time and synth time of a 10-role stack, library against aws-cdk-lib alone.
Prints one JSON object of medians in milliseconds."""
import json
import os
import statistics
import subprocess
import sys
import time

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_iam as iam

from cdk_github_actions_oidc import GitHubActionsRole, GitHubOidcProvider, GitHubRepository

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
ISSUER = "token.actions.githubusercontent.com"
ENV = Environment(account="123456789012", region="us-east-1")


def with_library(roles):
    app = App()
    stack = Stack(app, "Bench", env=ENV)
    provider = GitHubOidcProvider(stack, "GitHub")
    for i in range(roles):
        repo = GitHubRepository.of("octo-org", f"app-{i}")
        GitHubActionsRole(stack, f"Role{i}", provider=provider,
                          subjects=[repo.branch("main"), repo.environment("production"), repo.tag("v*")])
    return app


def by_hand(roles):
    app = App()
    stack = Stack(app, "Bench", env=ENV)
    provider = iam.OidcProviderNative(stack, "GitHub", url=f"https://{ISSUER}", client_ids=["sts.amazonaws.com"])
    for i in range(roles):
        repo = f"repo:octo-org/app-{i}"
        role = iam.Role(stack, f"Role{i}", assumed_by=iam.WebIdentityPrincipal(provider.oidc_provider_arn, {
            "StringEquals": {
                f"{ISSUER}:aud": "sts.amazonaws.com",
                f"{ISSUER}:sub": [f"{repo}:environment:production", f"{repo}:ref:refs/heads/main"],
            },
        }))
        role.assume_role_policy.add_statements(iam.PolicyStatement(
            actions=["sts:AssumeRoleWithWebIdentity"],
            principals=[iam.FederatedPrincipal(provider.oidc_provider_arn)],
            conditions={
                "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{ISSUER}:sub": f"{repo}:ref:refs/tags/v*"},
            },
        ))
    return app


def elapsed_ms(action):
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def alternate(first, second):
    """Median time of two actions, run in alternating order so that drift hits both alike."""
    a, b = [], []
    first()
    second()
    for run in range(RUNS):
        if run % 2 == 0:
            a.append(elapsed_ms(first))
            b.append(elapsed_ms(second))
        else:
            b.append(elapsed_ms(second))
            a.append(elapsed_ms(first))
    return statistics.median(a), statistics.median(b)


def import_in_new_process(code):
    return lambda: subprocess.run([sys.executable, "-c", code], check=True)


# The hand-written stack needs aws_cdk.aws_iam; the library imports it itself.
import_library, import_baseline = alternate(
    import_in_new_process("import aws_cdk, cdk_github_actions_oidc"),
    import_in_new_process("import aws_cdk, aws_cdk.aws_iam"),
)
synth_library, synth_baseline = alternate(lambda: with_library(10).synth(), lambda: by_hand(10).synth())

print(json.dumps({
    "import_library_ms": import_library,
    "import_baseline_ms": import_baseline,
    "synth_library_ms": synth_library,
    "synth_baseline_ms": synth_baseline,
}))
