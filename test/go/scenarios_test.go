// Package bindingtest uses the library as a Go program would, through the Go module that
// `npx projen package:go` writes to dist/go, and compares what it builds with the references
// that test/cross-language.test.ts wrote during jest. Run with `npx projen test:go`.
package bindingtest

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/jsii-runtime-go"
	oidc "github.com/oidc-constructs/cdk-github-actions-oidc-go/cdkgithubactionsoidc"
)

// newStack is a stack in its own app, in the account and region of the TypeScript references.
func newStack() awscdk.Stack {
	return awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Ci"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
}

type scenario struct {
	name  string
	build func(stack awscdk.Stack) oidc.GitHubActionsRole
}

// scenarios are the stacks of test/cross-language.test.ts. Keep in step with that file, with
// test/python/apps/scenarios.py and with test/java/.../Scenarios.java.
var scenarios = []scenario{
	{"provider-and-role", func(stack awscdk.Stack) oidc.GitHubActionsRole {
		provider := oidc.NewGitHubOidcProvider(stack, jsii.String("GitHub"), nil)
		app := oidc.GitHubRepository_Of(jsii.String("octo-org"), jsii.String("octo-app"), nil)
		role := oidc.NewGitHubActionsRole(stack, jsii.String("Deploy"), &oidc.GitHubActionsRoleProps{
			Provider: provider,
			Subjects: &[]oidc.GitHubSubject{
				app.Branch(jsii.String("main")), app.Environment(jsii.String("production")), app.Tag(jsii.String("v*")),
			},
			RoleName: jsii.String("octo-app-deploy"),
		})
		role.AddSubject(app.PullRequest())
		return role
	}},
	{"enterprise-import", func(stack awscdk.Stack) oidc.GitHubActionsRole {
		issuer := oidc.GitHubIssuer_EnterpriseServer(jsii.String("github.example.com"))
		provider := oidc.GitHubOidcProvider_FromAccount(stack, jsii.String("GitHub"), &oidc.GitHubOidcProviderImportOptions{Issuer: issuer})
		app := oidc.GitHubRepository_Of(jsii.String("platform"), jsii.String("infra"), &oidc.GitHubRepositoryOptions{
			OwnerId: jsii.String("1001"), RepositoryId: jsii.String("2002"),
		})
		return oidc.NewGitHubActionsRole(stack, jsii.String("Deploy"), &oidc.GitHubActionsRoleProps{
			Provider: provider,
			Subjects: &[]oidc.GitHubSubject{app.Environment(jsii.String("prod:eu"))},
		})
	}},
	{"reusable-workflow", func(stack awscdk.Stack) oidc.GitHubActionsRole {
		provider := oidc.GitHubOidcProvider_FromProviderArn(stack, jsii.String("GitHub"),
			jsii.String("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"), nil)
		subject := oidc.GitHubSubject_FromClaims(&[]oidc.GitHubClaim{
			oidc.GitHubClaim_Repo(oidc.GitHubRepository_FromFullName(jsii.String("octo-org/octo-app"), nil)),
			oidc.GitHubClaim_Environment(jsii.String("production")),
			oidc.GitHubClaim_JobWorkflowRef(jsii.String("octo-org/shared/.github/workflows/deploy.yml@refs/tags/v*")),
		})
		return oidc.NewGitHubActionsRole(stack, jsii.String("Deploy"), &oidc.GitHubActionsRoleProps{
			Provider: provider,
			Subjects: &[]oidc.GitHubSubject{subject, oidc.GitHubSubject_FromString(jsii.String("repo:octo-org/octo-app:ref:refs/heads/main"))},
		})
	}},
	{"ecr-push", func(stack awscdk.Stack) oidc.GitHubActionsRole {
		provider := oidc.NewGitHubOidcProvider(stack, jsii.String("GitHub"), nil)
		images := awsecr.NewRepository(stack, jsii.String("Images"), &awsecr.RepositoryProps{RepositoryName: jsii.String("octo-app")})
		shared := awsecr.Repository_FromRepositoryArn(stack, jsii.String("Shared"),
			jsii.String("arn:aws:ecr:us-east-1:111111111111:repository/shared/base"))
		app := oidc.GitHubRepository_Of(jsii.String("octo-org"), jsii.String("octo-app"), nil)
		return oidc.NewEcrPushRole(stack, jsii.String("Push"), &oidc.EcrPushRoleProps{
			Provider:     provider,
			Subjects:     &[]oidc.GitHubSubject{app.Branch(jsii.String("main")), app.Tag(jsii.String("v*"))},
			Repositories: &[]awsecr.IRepository{images, shared},
			AllowPull:    jsii.Bool(false),
			Outputs:      jsii.Bool(true),
		})
	}},
	{"deploy-time-values", func(stack awscdk.Stack) oidc.GitHubActionsRole {
		provider := oidc.GitHubOidcProvider_FromAccount(stack, jsii.String("GitHub"), nil)
		owner := awscdk.NewCfnParameter(stack, jsii.String("Owner"), &awscdk.CfnParameterProps{Default: jsii.String("octo-org")}).ValueAsString()
		app := oidc.GitHubRepository_Of(owner, jsii.String("octo-app"), nil)
		images := awsecr.Repository_FromRepositoryName(stack, jsii.String("Images"), awscdk.Fn_ImportValue(jsii.String("ImagesRepositoryName")))
		environment := awscdk.NewCfnParameter(stack, jsii.String("Environment"), nil).ValueAsString()
		return oidc.NewEcrPushRole(stack, jsii.String("Push"), &oidc.EcrPushRoleProps{
			Provider:     provider,
			Subjects:     &[]oidc.GitHubSubject{app.Tag(jsii.String("v*")), app.Environment(environment)},
			Repositories: &[]awsecr.IRepository{images},
		})
	}},
	{"claim-conditions", func(stack awscdk.Stack) oidc.GitHubActionsRole {
		provider := oidc.GitHubOidcProvider_FromAccount(stack, jsii.String("GitHub"), nil)
		app := oidc.GitHubRepository_Of(jsii.String("octo-org"), jsii.String("octo-app"), &oidc.GitHubRepositoryOptions{
			RepositoryId: jsii.String("89012345"),
		})
		return oidc.NewGitHubActionsRole(stack, jsii.String("Deploy"), &oidc.GitHubActionsRoleProps{
			Provider: provider,
			Subjects: &[]oidc.GitHubSubject{
				app.MergeQueue(jsii.String("main")),
				app.Environment(jsii.String("production")).WithConditions(
					oidc.GitHubClaimCondition_Ref(jsii.String("refs/heads/main")),
					oidc.GitHubClaimCondition_JobWorkflowRef(jsii.String("octo-org/shared/.github/workflows/deploy.yml@refs/heads/main")),
				),
			},
			ClaimConditions: &[]oidc.GitHubClaimCondition{oidc.GitHubClaimCondition_NotActor(jsii.String("dependabot[bot]"))},
			RoleName:        jsii.String("octo-app-deploy"),
		})
	}},
}
