import { Lazy } from 'aws-cdk-lib';
import { GitHubIssuer } from '../src';

describe('GitHubIssuer', () => {
  test.each([
    ['github.com', GitHubIssuer.GITHUB_COM, 'https://token.actions.githubusercontent.com', 'token.actions.githubusercontent.com'],
    ['Enterprise Cloud custom issuer', GitHubIssuer.enterpriseCloud('octo-enterprise'),
      'https://token.actions.githubusercontent.com/octo-enterprise', 'token.actions.githubusercontent.com/octo-enterprise'],
    ['GHE.com', GitHubIssuer.gheCom('octocorp'), 'https://token.actions.octocorp.ghe.com', 'token.actions.octocorp.ghe.com'],
    ['Enterprise Server', GitHubIssuer.enterpriseServer('github.example.com'),
      'https://github.example.com/_services/token', 'github.example.com/_services/token'],
  ])('%s: URL and condition keys', (_name, issuer, url, prefix) => {
    expect(issuer.url).toBe(url);
    expect(issuer.hostAndPath).toBe(prefix);
    expect(issuer.subjectConditionKey).toBe(`${prefix}:sub`);
    expect(issuer.audienceConditionKey).toBe(`${prefix}:aud`);
  });

  test.each([
    ['Octo-Enterprise', /Invalid GitHub enterprise slug 'Octo-Enterprise'/],
    ['octo/enterprise', /Invalid GitHub enterprise slug/],
    ['-octo', /Invalid GitHub enterprise slug/],
    ['', /Invalid GitHub enterprise slug ''/],
  ])('refuses enterprise slug %p', (slug, message) => {
    expect(() => GitHubIssuer.enterpriseCloud(slug)).toThrow(message);
  });

  test.each(['octo.corp', 'Octo', 'octo-', ''])('refuses GHE.com subdomain %p', subdomain => {
    expect(() => GitHubIssuer.gheCom(subdomain)).toThrow(/Invalid GHE.com subdomain/);
  });

  test.each([
    'https://github.example.com',
    'github.example.com/_services/token',
    'github.example.com:8443',
    'github',
    'GitHub.Example.com',
    'github..example.com',
  ])('refuses Enterprise Server host name %p', hostname => {
    expect(() => GitHubIssuer.enterpriseServer(hostname)).toThrow(
      new RegExp(`Invalid GitHub Enterprise Server host name '${hostname.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'.*without 'https://'`),
    );
  });

  test('refuses a value known only at deploy time, since it names the condition keys', () => {
    const token = Lazy.string({ produce: () => 'octo-enterprise' });
    expect(() => GitHubIssuer.enterpriseCloud(token)).toThrow(/must be known at synth time, not a token/);
  });
});
