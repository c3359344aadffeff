/**
 * How the command line's manifest mode grows with the organization: manifests of 10, 100 and
 * 1,000 repositories with a realistic mix of roles, each run as a whole process of the built
 * command (lib/cli.js): wall time and peak memory (medians), stacks, templates and bytes written,
 * and each figure per repository as a ratio to the 10-repository run (1.00x is linear growth).
 * Not part of the tests.
 *
 *   npx projen bench:manifest
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median, processRun } from './process-run';

const ROOT = path.join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = [10, 100, 1000];

/**
 * One role per repository, mixed as platform teams write them (the mix repeats every ten
 * repositories, so every size has the same): three in ten deploy through environments held to
 * main, one previews pull requests, one pushes images, the rest deploy from main, release
 * branches and tags, one of them with a merge queue; the deploy roles keep Dependabot out.
 */
function manifest(repositories: number): string {
  const roles = Array.from({ length: repositories }, (_, i) => {
    const repository = `octo-org/service-${String(i).padStart(4, '0')}`;
    const name = `service-${String(i).padStart(4, '0')}`;
    switch (i % 10) {
      case 0: case 1: case 2:
        return `  - { name: ${name}-deploy, repositories: [${repository}], environments: [staging, production], conditions: { ref: refs/heads/main, notActors: ["dependabot[bot]"] } }`;
      case 3:
        return `  - { name: ${name}-preview, repositories: [${repository}], pullRequests: true, managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess] }`;
      case 4:
        return `  - { name: ${name}-images, repositories: [${repository}], branches: [main], tags: ["v*"], ecrRepositories: [${name}] }`;
      default: {
        const queue = i % 10 === 5 ? ', mergeQueues: [main]' : '';
        return `  - { name: ${name}-deploy, repositories: [${repository}], branches: [main, "release/*"], tags: ["v*"]${queue}, conditions: { notActors: ["dependabot[bot]"] } }`;
      }
    }
  });
  return `region: eu-west-1\nroles:\n${roles.join('\n')}\n`;
}

function measure(repositories: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-github-actions-oidc-scale-'));
  fs.writeFileSync(path.join(dir, 'roles.yaml'), manifest(repositories));
  const args = [path.join(ROOT, 'lib', 'cli.js'), '--config', path.join(dir, 'roles.yaml'), '--out', path.join(dir, 'out'), '--force'];
  const { CDK_VALIDATION: _, ...env } = process.env;
  const runs = Array.from({ length: RUNS }, () => processRun(process.execPath, args, env));
  const files = fs.readdirSync(path.join(dir, 'out'), { recursive: true, withFileTypes: true }).filter(entry => entry.isFile())
    .map(entry => path.join(entry.parentPath, entry.name));
  const templates = files.filter(file => file.endsWith('.template.yaml'));
  const bytes = (list: string[]) => list.reduce((total, file) => total + fs.statSync(file).size, 0);
  const workflows = files.filter(file => file.endsWith('.yml'));
  const result = {
    repositories,
    ms: median(runs.map(r => r.ms)),
    mib: median(runs.map(r => r.rssMiB)),
    stacks: templates.length,
    templateBytes: bytes(templates),
    largest: Math.max(...templates.map(file => fs.statSync(file).size)),
    workflows: workflows.length,
    workflowBytes: bytes(workflows),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

const results = SIZES.map(measure);
const base = results[0];
const per = (value: number, repositories: number, baseValue: number) => `${((value / repositories) / (baseValue / base.repositories)).toFixed(2)}x`;
const lines = [
  `Manifest mode of the command line, whole process of lib/cli.js, median of ${RUNS} runs (Node ${process.version}, ${os.cpus().length} CPUs).`,
  'Per-repository ratios compare with the 10-repository run: 1.00x is linear growth.',
  '',
  '| repositories | time | time per repository | peak memory | stacks | template bytes (largest) | bytes per repository | workflows (bytes) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(r => `| ${r.repositories} | ${(r.ms / 1000).toFixed(2)} s | ${per(r.ms, r.repositories, base.ms)} | ${r.mib.toFixed(0)} MiB | ` +
    `${r.stacks} | ${r.templateBytes} (${r.largest}) | ${per(r.templateBytes, r.repositories, base.templateBytes)} | ${r.workflows} (${r.workflowBytes}) |`),
];
console.log(lines.join('\n'));
