"""Checks that the library's validation errors reach Python as exceptions with their message.

Prints one JSON object: case name -> the exception message (or null if nothing was raised).
"""
import json

from aws_cdk import App, Stack

from cdk_github_actions_oidc import GitHubClaim, GitHubOidcProvider, GitHubRepository, GitHubSubject


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


CASES = {
    "wildcard-repository": lambda: GitHubRepository.of("octo-org", "octo-app*"),
    "any-repository-string": lambda: GitHubSubject.from_string("repo:octo-org/*"),
    "refs-prefix": lambda: GitHubRepository.of("octo-org", "octo-app").branch("refs/heads/main"),
    "duplicate-provider": duplicate_provider,
    "wildcard-before-pin": lambda: GitHubSubject.from_claims(
        [GitHubClaim.any_context(), GitHubClaim.repo(GitHubRepository.of("octo-org", "octo-app"))]
    ),
    "invisible-character": lambda: GitHubRepository.of("octo-org", "octo-app").environment("prod\u202e"),
}

print(json.dumps({name: catch(build) for name, build in CASES.items()}))
