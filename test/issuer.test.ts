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

  test.each([
    ['enterprise slug', (value: string) => GitHubIssuer.enterpriseCloud(value)],
    ['GHE.com subdomain', (value: string) => GitHubIssuer.gheCom(value)],
    ['GitHub Enterprise Server host name', (value: string) => GitHubIssuer.enterpriseServer(value)],
  ])('refuses a %s known only at deploy time, since it names the condition keys', (what, issuer) => {
    const token = Lazy.string({ produce: () => 'octo' });
    expect(() => issuer(token)).toThrow(`The ${what} must be known at synth time, not a token: it names the IAM condition keys of every trust policy. Pass a literal string.`);
  });

  test.each([
    ['one-character GHE.com subdomain', () => GitHubIssuer.gheCom('a').url, 'https://token.actions.a.ghe.com'],
    ['63-character GHE.com subdomain', () => GitHubIssuer.gheCom('a'.repeat(63)).hostAndPath, `token.actions.${'a'.repeat(63)}.ghe.com`],
    ['two-label server name', () => GitHubIssuer.enterpriseServer('github.internal').url, 'https://github.internal/_services/token'],
    ['one-character labels', () => GitHubIssuer.enterpriseServer('a.b').hostAndPath, 'a.b/_services/token'],
    ['253-character server name', () => GitHubIssuer.enterpriseServer(`${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(61)).hostAndPath.length, 253 + '/_services/token'.length],
    ['one-character enterprise slug', () => GitHubIssuer.enterpriseCloud('o').hostAndPath, 'token.actions.githubusercontent.com/o'],
  ])('accepts a %s', (_name, build, expected) => {
    expect(build()).toEqual(expected);
  });

  test.each([
    [() => GitHubIssuer.gheCom('a'.repeat(64)), /Invalid GHE.com subdomain .*\(1-63 lowercase letters, digits or inner hyphens\)/],
    [() => GitHubIssuer.enterpriseServer(`${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(62)), /Invalid GitHub Enterprise Server host name/],
    [() => GitHubIssuer.enterpriseCloud('a'.repeat(101)), /Invalid GitHub enterprise slug .*\(1-100 lowercase letters, digits or inner hyphens\)/],
  ])('refuses names over the length limits (%#)', (build, message) => {
    expect(build).toThrow(message);
  });
});
