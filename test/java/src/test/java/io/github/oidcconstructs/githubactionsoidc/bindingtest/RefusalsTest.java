package io.github.oidcconstructs.githubactionsoidc.bindingtest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.oidcconstructs.githubactionsoidc.GitHubActionsRole;
import io.github.oidcconstructs.githubactionsoidc.GitHubClaim;
import io.github.oidcconstructs.githubactionsoidc.GitHubOidcProvider;
import io.github.oidcconstructs.githubactionsoidc.GitHubRepository;
import io.github.oidcconstructs.githubactionsoidc.GitHubSubject;
import io.github.oidcconstructs.githubactionsoidc.GitHubWorkflowOptions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

/**
 * The library's refusals reach Java as exceptions that carry its message: the cases of
 * test/python/apps/errors.py. jsii-runtime throws a RuntimeException carrying the library's
 * message and the JavaScript stack: a plain one for an error thrown by a method, a JsiiError
 * (a RuntimeException too) for one thrown by a constructor (new GitHubOidcProvider, a role's
 * Builder.build()), which the jsii kernel reports as a fault.
 */
class RefusalsTest {
  private static GitHubActionsRole role(Stack stack, GitHubActionsRole.Builder builder) {
    return builder.provider(GitHubOidcProvider.fromAccount(stack, "GitHub")).build();
  }

  private static GitHubActionsRole.Builder roleBuilder(Stack stack) {
    return GitHubActionsRole.Builder.create(stack, "Deploy");
  }

  private static Stack stack() {
    return new Stack(new App(), "Ci");
  }

  static Stream<Arguments> cases() {
    GitHubRepository app = GitHubRepository.of("octo-org", "octo-app");
    return Stream.of(
        Arguments.of("wildcard-repository", "wildcards ('*', '?') may not touch the owner",
            (Executable) () -> GitHubRepository.of("octo-org", "octo-app*")),
        Arguments.of("any-repository-string", "Invalid GitHub repository",
            (Executable) () -> GitHubSubject.fromString("repo:octo-org/*")),
        Arguments.of("refs-prefix", "without the 'refs/...' prefix",
            (Executable) () -> app.branch("refs/heads/main")),
        Arguments.of("duplicate-provider", "Duplicate OIDC provider",
            (Executable) () -> {
              Stack stack = stack();
              new GitHubOidcProvider(stack, "One");
              new GitHubOidcProvider(stack, "Two");
            }),
        Arguments.of("wildcard-before-pin", "has a wildcard in '*' before 'repo:octo-org/octo-app'",
            (Executable) () -> GitHubSubject.fromClaims(List.of(GitHubClaim.anyContext(), GitHubClaim.repo(app)))),
        Arguments.of("invisible-character", "Invalid environment name 'prod<U+202E>': it contains U+202E",
            (Executable) () -> app.environment("prod\u202e")),
        Arguments.of("size-limit", "maxTrustPolicySize",
            (Executable) () -> {
              Stack stack = stack();
              role(stack, roleBuilder(stack).subjects(List.of(app.branch("main"))).maxTrustPolicySize(10000));
            }),
        Arguments.of("workflow-without-region", "Pass one with the region option of the workflow (such as 'eu-west-1')",
            (Executable) () -> {
              Stack stack = stack();
              role(stack, roleBuilder(stack).subjects(List.of(app.branch("main")))).renderWorkflow();
            }),
        Arguments.of("workflow-of-two-repositories", "say which with the workflow's repository option",
            (Executable) () -> {
              Stack stack = stack();
              List<GitHubSubject> subjects = List.of(
                  GitHubRepository.of("octo-org", "a").branch("main"),
                  GitHubRepository.of("octo-org", "b").branch("main"));
              role(stack, roleBuilder(stack).subjects(subjects))
                  .renderWorkflow(GitHubWorkflowOptions.builder().region("eu-west-1").build());
            }));
  }

  @DisplayName("refused input reaches Java as an exception with the library's message")
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedInputReachesJavaAsAnExceptionWithTheLibrarysMessage(String name, String message, Executable build) {
    RuntimeException error = assertThrows(RuntimeException.class, build);
    assertNotNull(error.getMessage());
    assertTrue(error.getMessage().contains(message),
        () -> "expected the message to contain \"" + message + "\", got " + error.getClass().getName() + ": " + error.getMessage());
  }
}
