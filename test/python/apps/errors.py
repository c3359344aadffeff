"""Checks that the library's validation errors reach Python as exceptions with their message.

Prints one JSON object: case name -> the exception message (or null if nothing was raised).
"""
import json

from aws_cdk import App, Stack

from cdk_github_actions_oidc import GitHubActionsRole, GitHubClaim, GitHubOidcProvider, GitHubRepository, GitHubSubject


def catch(build):
    try:
        build()
    except Exception as error:  # jsii raises RuntimeError carrying the JavaScript message
        return str(error)
    return None


def duplicate_provider():
    stack = Stack(App(), "Ci")
    GitHubOidcProvider(stack, "One")
    GitHubOidcProvider(stack, "Two")


def role(stack, **props):
    return GitHubActionsRole(stack, "Deploy", provider=GitHubOidcProvider.from_account(stack, "GitHub"), **props)


def size_limit():
    role(Stack(App(), "Ci"), subjects=[GitHubRepository.of("octo-org", "octo-app").branch("main")], max_trust_policy_size=10000)


def workflow_without_region():
    role(Stack(App(), "Ci"), subjects=[GitHubRepository.of("octo-org", "octo-app").branch("main")]).render_workflow()


def workflow_of_two_repositories():
    subjects = [GitHubRepository.of("octo-org", "a").branch("main"), GitHubRepository.of("octo-org", "b").branch("main")]
    role(Stack(App(), "Ci"), subjects=subjects).render_workflow(region="eu-west-1")


CASES = {
    "wildcard-repository": lambda: GitHubRepository.of("octo-org", "octo-app*"),
    "any-repository-string": lambda: GitHubSubject.from_string("repo:octo-org/*"),
    "refs-prefix": lambda: GitHubRepository.of("octo-org", "octo-app").branch("refs/heads/main"),
    "duplicate-provider": duplicate_provider,
    "wildcard-before-pin": lambda: GitHubSubject.from_claims(
        [GitHubClaim.any_context(), GitHubClaim.repo(GitHubRepository.of("octo-org", "octo-app"))]
    ),
    "invisible-character": lambda: GitHubRepository.of("octo-org", "octo-app").environment("prod\u202e"),
    "size-limit": size_limit,
    "workflow-without-region": workflow_without_region,
    "workflow-of-two-repositories": workflow_of_two_repositories,
}

print(json.dumps({name: catch(build) for name, build in CASES.items()}))
