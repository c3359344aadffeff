package io.github.oidcconstructs.githubactionsoidc.bindingtest;

import io.github.oidcconstructs.githubactionsoidc.EcrPushRole;
import io.github.oidcconstructs.githubactionsoidc.GitHubActionsRole;
import io.github.oidcconstructs.githubactionsoidc.GitHubClaim;
import io.github.oidcconstructs.githubactionsoidc.GitHubClaimCondition;
import io.github.oidcconstructs.githubactionsoidc.GitHubIssuer;
import io.github.oidcconstructs.githubactionsoidc.GitHubOidcProvider;
import io.github.oidcconstructs.githubactionsoidc.GitHubOidcProviderImportOptions;
import io.github.oidcconstructs.githubactionsoidc.GitHubRepository;
import io.github.oidcconstructs.githubactionsoidc.GitHubRepositoryOptions;
import io.github.oidcconstructs.githubactionsoidc.GitHubSubject;
import io.github.oidcconstructs.githubactionsoidc.IGitHubOidcProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.ecr.Repository;

/**
 * The stacks of test/cross-language.test.ts, built through the Java package. Keep in step with
 * that file and with test/python/apps/scenarios.py and test/go/scenarios_test.go.
 */
final class Scenarios {
  private Scenarios() {}

  /** A stack in its own app, in the account and region of the TypeScript references. */
  static Stack newStack() {
    Environment env = Environment.builder().account("123456789012").region("us-east-1").build();
    return new Stack(new App(), "Ci", StackProps.builder().env(env).build());
  }

  /** Scenario name to a function that builds it in a stack and returns the role whose workflow is compared. */
  static final Map<String, Function<Stack, GitHubActionsRole>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("provider-and-role", Scenarios::providerAndRole);
    ALL.put("enterprise-import", Scenarios::enterpriseImport);
    ALL.put("reusable-workflow", Scenarios::reusableWorkflow);
    ALL.put("ecr-push", Scenarios::ecrPush);
    ALL.put("deploy-time-values", Scenarios::deployTimeValues);
    ALL.put("claim-conditions", Scenarios::claimConditions);
  }

  static GitHubActionsRole claimConditions(Stack stack) {
    IGitHubOidcProvider provider = GitHubOidcProvider.fromAccount(stack, "GitHub");
    GitHubRepository app = GitHubRepository.of("octo-org", "octo-app",
        GitHubRepositoryOptions.builder().repositoryId("89012345").build());
    return GitHubActionsRole.Builder.create(stack, "Deploy")
        .provider(provider)
        .subjects(List.of(
            app.mergeQueue("main"),
            app.environment("production").withConditions(
                GitHubClaimCondition.ref("refs/heads/main"),
                GitHubClaimCondition.jobWorkflowRef("octo-org/shared/.github/workflows/deploy.yml@refs/heads/main"))))
        .claimConditions(List.of(GitHubClaimCondition.notActor("dependabot[bot]")))
        .roleName("octo-app-deploy")
        .build();
  }

  static GitHubActionsRole providerAndRole(Stack stack) {
    GitHubOidcProvider provider = new GitHubOidcProvider(stack, "GitHub");
    GitHubRepository app = GitHubRepository.of("octo-org", "octo-app");
    GitHubActionsRole role = GitHubActionsRole.Builder.create(stack, "Deploy")
        .provider(provider)
        .subjects(List.of(app.branch("main"), app.environment("production"), app.tag("v*")))
        .roleName("octo-app-deploy")
        .build();
    role.addSubject(app.pullRequest());
    return role;
  }

  static GitHubActionsRole enterpriseImport(Stack stack) {
    GitHubIssuer issuer = GitHubIssuer.enterpriseServer("github.example.com");
    IGitHubOidcProvider provider = GitHubOidcProvider.fromAccount(stack, "GitHub",
        GitHubOidcProviderImportOptions.builder().issuer(issuer).build());
    GitHubRepository app = GitHubRepository.of("platform", "infra",
        GitHubRepositoryOptions.builder().ownerId("1001").repositoryId("2002").build());
    return GitHubActionsRole.Builder.create(stack, "Deploy")
        .provider(provider)
        .subjects(List.of(app.environment("prod:eu")))
        .build();
  }

  static GitHubActionsRole reusableWorkflow(Stack stack) {
    IGitHubOidcProvider provider = GitHubOidcProvider.fromProviderArn(stack, "GitHub",
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
    GitHubSubject subject = GitHubSubject.fromClaims(List.of(
        GitHubClaim.repo(GitHubRepository.fromFullName("octo-org/octo-app")),
        GitHubClaim.environment("production"),
        GitHubClaim.jobWorkflowRef("octo-org/shared/.github/workflows/deploy.yml@refs/tags/v*")));
    return GitHubActionsRole.Builder.create(stack, "Deploy")
        .provider(provider)
        .subjects(List.of(subject, GitHubSubject.fromString("repo:octo-org/octo-app:ref:refs/heads/main")))
        .build();
  }

  static GitHubActionsRole ecrPush(Stack stack) {
    GitHubOidcProvider provider = new GitHubOidcProvider(stack, "GitHub");
    Repository images = Repository.Builder.create(stack, "Images").repositoryName("octo-app").build();
    IRepository shared = Repository.fromRepositoryArn(stack, "Shared",
        "arn:aws:ecr:us-east-1:111111111111:repository/shared/base");
    GitHubRepository app = GitHubRepository.of("octo-org", "octo-app");
    return EcrPushRole.Builder.create(stack, "Push")
        .provider(provider)
        .subjects(List.of(app.branch("main"), app.tag("v*")))
        .repositories(List.of(images, shared))
        .allowPull(false)
        .outputs(true)
        .build();
  }

  static GitHubActionsRole deployTimeValues(Stack stack) {
    IGitHubOidcProvider provider = GitHubOidcProvider.fromAccount(stack, "GitHub");
    String owner = CfnParameter.Builder.create(stack, "Owner").defaultValue("octo-org").build().getValueAsString();
    GitHubRepository app = GitHubRepository.of(owner, "octo-app");
    IRepository images = Repository.fromRepositoryName(stack, "Images", Fn.importValue("ImagesRepositoryName"));
    String environment = CfnParameter.Builder.create(stack, "Environment").build().getValueAsString();
    return EcrPushRole.Builder.create(stack, "Push")
        .provider(provider)
        .subjects(List.of(app.tag("v*"), app.environment(environment)))
        .repositories(List.of(images))
        .build();
  }
}
