package bindingtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	oidc "github.com/oidc-constructs/cdk-github-actions-oidc-go/cdkgithubactionsoidc"
)

// panicOf runs build and returns what it panicked with: jsii-runtime-go panics with the error
// that the library threw, its message included.
func panicOf(build func()) (recovered interface{}) {
	defer func() { recovered = recover() }()
	build()
	return nil
}

func bareStack() awscdk.Stack {
	return awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Ci"), nil)
}

func role(stack awscdk.Stack, props oidc.GitHubActionsRoleProps) oidc.GitHubActionsRole {
	props.Provider = oidc.GitHubOidcProvider_FromAccount(stack, jsii.String("GitHub"), nil)
	return oidc.NewGitHubActionsRole(stack, jsii.String("Deploy"), &props)
}

// TestRefusedInputPanicsWithTheLibrarysMessage: the cases of test/python/apps/errors.py.
func TestRefusedInputPanicsWithTheLibrarysMessage(t *testing.T) {
	app := func() oidc.GitHubRepository {
		return oidc.GitHubRepository_Of(jsii.String("octo-org"), jsii.String("octo-app"), nil)
	}
	main := func(owner, name string) oidc.GitHubSubject {
		return oidc.GitHubRepository_Of(jsii.String(owner), jsii.String(name), nil).Branch(jsii.String("main"))
	}
	cases := []struct {
		name, message string
		build         func()
	}{
		{"wildcard-repository", "wildcards ('*', '?') may not touch the owner", func() {
			oidc.GitHubRepository_Of(jsii.String("octo-org"), jsii.String("octo-app*"), nil)
		}},
		{"any-repository-string", "Invalid GitHub repository", func() {
			oidc.GitHubSubject_FromString(jsii.String("repo:octo-org/*"))
		}},
		{"refs-prefix", "without the 'refs/...' prefix", func() {
			app().Branch(jsii.String("refs/heads/main"))
		}},
		{"duplicate-provider", "Duplicate OIDC provider", func() {
			stack := bareStack()
			oidc.NewGitHubOidcProvider(stack, jsii.String("One"), nil)
			oidc.NewGitHubOidcProvider(stack, jsii.String("Two"), nil)
		}},
		{"wildcard-before-pin", "has a wildcard in '*' before 'repo:octo-org/octo-app'", func() {
			oidc.GitHubSubject_FromClaims(&[]oidc.GitHubClaim{oidc.GitHubClaim_AnyContext(), oidc.GitHubClaim_Repo(app())})
		}},
		{"invisible-character", "Invalid environment name 'prod<U+202E>': it contains U+202E", func() {
			app().Environment(jsii.String("prod\u202e"))
		}},
		{"size-limit", "maxTrustPolicySize", func() {
			role(bareStack(), oidc.GitHubActionsRoleProps{
				Subjects: &[]oidc.GitHubSubject{main("octo-org", "octo-app")}, MaxTrustPolicySize: jsii.Number(10000),
			})
		}},
		{"workflow-without-region", "Pass one with the region option of the workflow (such as 'eu-west-1')", func() {
			role(bareStack(), oidc.GitHubActionsRoleProps{Subjects: &[]oidc.GitHubSubject{main("octo-org", "octo-app")}}).RenderWorkflow(nil)
		}},
		{"workflow-of-two-repositories", "say which with the workflow's repository option", func() {
			subjects := &[]oidc.GitHubSubject{main("octo-org", "a"), main("octo-org", "b")}
			role(bareStack(), oidc.GitHubActionsRoleProps{Subjects: subjects}).RenderWorkflow(&oidc.GitHubWorkflowOptions{Region: jsii.String("eu-west-1")})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recovered := panicOf(c.build)
			if recovered == nil {
				t.Fatalf("no panic: the input was accepted")
			}
			if _, isError := recovered.(error); !isError {
				t.Errorf("panicked with a %T, not an error: %v", recovered, recovered)
			}
			if message := fmt.Sprint(recovered); !strings.Contains(message, c.message) {
				t.Errorf("expected the panic to carry %q, got: %s", c.message, message)
			}
		})
	}
}
