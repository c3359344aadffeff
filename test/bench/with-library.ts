import { App, Stack } from 'aws-cdk-lib';
import { Build, ENV, ROLES_PER_STACK } from './builds';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, IGitHubOidcProvider } from '../../src';

/** The library: one provider, N roles trusting main, production and tags v* of their own repository. */
export const withLibrary: Build = roles => {
  const app = new App();
  let stack!: Stack;
  let provider!: IGitHubOidcProvider;
  for (let i = 0; i < roles; i++) {
    if (i % ROLES_PER_STACK === 0) {
      stack = new Stack(app, i === 0 ? 'Bench' : `Bench${i / ROLES_PER_STACK}`, { env: ENV });
      provider = i === 0 ? new GitHubOidcProvider(stack, 'GitHub') : GitHubOidcProvider.fromAccount(stack, 'GitHub');
    }
    const repo = GitHubRepository.of('octo-org', `app-${i}`);
    new GitHubActionsRole(stack, `Role${i}`, { provider, subjects: [repo.branch('main'), repo.environment('production'), repo.tag('v*')] });
  }
  return app;
};
