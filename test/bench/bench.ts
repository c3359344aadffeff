/**
 * What the library costs over writing the same resources by hand with aws-cdk-lib:
 * synth time, resources, template bytes and trust-policy capacity, in TypeScript and
 * (through the built wheel) in Python. Every figure is the median of several runs and
 * a ratio to the hand-written baseline measured in the same run. Not part of the tests.
 *
 *   npx projen bench            (needs dist/python: the task builds it first)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ts from 'typescript';
import { Build, ENV, ISSUER } from './builds';
import { byHand } from './by-hand';
import { instructionsOfBoth, valgrindVersion } from './instructions';
import { median, processRun } from './process-run';
import { withLibrary } from './with-library';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository } from '../../src';
import { deployedValue } from '../util';

const ROOT = path.join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const WARMUP = 3;

function cdkLibVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version;
}


function synthMs(build: Build, roles: number): number {
  const start = process.hrtime.bigint();
  build(roles).synth();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median synth time of both variants, alternating them so that drift hits both alike. */
function timeBoth(roles: number): { library: number; hand: number } {
  const library: number[] = [];
  const hand: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    synthMs(withLibrary, roles);
    synthMs(byHand, roles);
  }
  for (let run = 0; run < RUNS; run++) {
    if (run % 2 === 0) {
      library.push(synthMs(withLibrary, roles));
      hand.push(synthMs(byHand, roles));
    } else {
      hand.push(synthMs(byHand, roles));
      library.push(synthMs(withLibrary, roles));
    }
  }
  return { library: median(library), hand: median(hand) };
}

/**
 * The builds as scripts for whole processes: builds.ts, with-library.ts and by-hand.ts transpiled,
 * the first importing the compiled library (lib/, which the bench task compiles first), and a
 * script that imports what the hand-written variant uses, and the library too if asked. Written
 * under test-reports/ so that Node.js finds aws-cdk-lib in the project's node_modules.
 */
function processScripts(): { synth: string; imports: string } {
  const dir = path.join(ROOT, 'test-reports', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const options = { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } };
  for (const name of ['builds', 'with-library', 'by-hand']) {
    const source = fs.readFileSync(path.join(__dirname, `${name}.ts`), 'utf8').replace("'../../src'", JSON.stringify(path.join(ROOT, 'lib')));
    fs.writeFileSync(path.join(dir, `${name}.js`), ts.transpileModule(source, options).outputText);
  }
  const synth = path.join(dir, 'synth.js');
  fs.writeFileSync(synth, [
    'const [variant, roles] = process.argv.slice(2);',
    "require(variant === 'withLibrary' ? './with-library' : './by-hand')[variant](Number(roles)).synth();",
  ].join('\n'));
  const imports = path.join(dir, 'imports.js');
  fs.writeFileSync(imports, [
    "const cdk = require('aws-cdk-lib');",
    "const iam = require('aws-cdk-lib/aws-iam');",
    '[cdk.App, cdk.Stack, iam.Role, iam.OidcProviderNative, iam.WebIdentityPrincipal, iam.FederatedPrincipal, iam.PolicyStatement];',
    `if (process.argv[2] === 'withLibrary') require(${JSON.stringify(path.join(ROOT, 'lib'))});`,
  ].join('\n'));
  return { synth, imports };
}

const PROCESS_RUNS = Number(process.env.BENCH_PROCESS_RUNS ?? 15);

/** Medians of whole processes of both variants (`args` after the variant's name), alternating, template validation off. */
function processBoth(script: string, args: string[]) {
  const env = { ...process.env, CDK_VALIDATION: 'false' };
  const library: Array<{ ms: number; rssMiB: number }> = [];
  const hand: Array<{ ms: number; rssMiB: number }> = [];
  const ours = () => library.push(processRun(process.execPath, [script, 'withLibrary', ...args], env));
  const base = () => hand.push(processRun(process.execPath, [script, 'byHand', ...args], env));
  for (let run = 0; run < PROCESS_RUNS; run++) {
    if (run % 2 === 0) {
      ours();
      base();
    } else {
      base();
      ours();
    }
  }
  return {
    library: median(library.map(r => r.ms)),
    hand: median(hand.map(r => r.ms)),
    libraryMiB: median(library.map(r => r.rssMiB)),
    handMiB: median(hand.map(r => r.rssMiB)),
  };
}

/**
 * The command line's one-repository run as a whole process, median of 5 each: as shipped (Node.js's
 * compile cache on, warm after the first run), without the compile cache (a first run, or Node.js
 * before 22.1), and with aws-cdk-lib's template validation.
 */
function cliRuns(): { [setting in 'shipped' | 'uncached' | 'validated']: { ms: number; rssMiB: number } } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-github-actions-oidc-bench-'));
  const args = [path.join(ROOT, 'lib', 'cli.js'), '--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--out', out, '--force'];
  const { CDK_VALIDATION: _, NODE_DISABLE_COMPILE_CACHE: __, ...rest } = process.env;
  const settings = { shipped: rest, uncached: { ...rest, NODE_DISABLE_COMPILE_CACHE: '1' }, validated: { ...rest, CDK_VALIDATION: 'true' } };
  const runs = { shipped: [], uncached: [], validated: [] } as { [setting in keyof typeof settings]: Array<{ ms: number; rssMiB: number }> };
  for (let run = 0; run < 5; run++) {
    for (const setting of Object.keys(settings) as Array<keyof typeof settings>) {
      runs[setting].push(processRun(process.execPath, args, settings[setting]));
    }
  }
  fs.rmSync(out, { recursive: true, force: true });
  const medians = (setting: keyof typeof settings) => ({
    ms: median(runs[setting].map(r => r.ms)),
    rssMiB: median(runs[setting].map(r => r.rssMiB)),
  });
  return { shipped: medians('shipped'), uncached: medians('uncached'), validated: medians('validated') };
}

function template(build: Build, roles: number): any {
  return build(roles).synth().getStackByName('Bench').template;
}

/** Characters of a deployed trust policy as IAM counts them: minified JSON, whitespace removed. */
function iamSize(document: any): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/** The policy a careful engineer writes for N exact branch subjects: one statement. */
function minimalPolicy(subjects: string[]): any {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ENV.account}:oidc-provider/${ISSUER}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: subjects.length === 1 ? subjects[0] : subjects } },
    }],
  };
}

/** The deployed trust policy the library synthesizes for N branches (no size check: measured here). */
function libraryPolicy(branches: string[]): any {
  const stack = new Stack(new App(), 'Capacity', { env: ENV });
  const repo = GitHubRepository.of('octo-org', 'octo-app');
  const role = new GitHubActionsRole(stack, 'Role', {
    provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
    subjects: branches.map(branch => repo.branch(branch)),
  });
  return deployedValue(stack.resolve((role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument));
}

/** Realistic branch names, 28-30 characters: feature/ABC-1000-update-deps. */
function branchNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `feature/ABC-${1000 + i}-update-deps`);
}

function subjectOf(branch: string): string {
  return `repo:octo-org/octo-app:ref:refs/heads/${branch}`;
}

function capacity(policyFor: (branches: string[]) => any, limit: number): number {
  let count = 0;
  while (iamSize(policyFor(branchNames(count + 1))) <= limit) count++;
  return count;
}

function pythonFigures(validation: string | undefined): any {
  const wheels = fs.readdirSync(path.join(ROOT, 'dist', 'python')).filter(f => f.endsWith('.whl'));
  if (wheels.length === 0) throw new Error('No wheel in dist/python: run `npx projen package:python` first.');
  const cdkVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies['aws-cdk-lib'];
  const venv = path.join(os.tmpdir(), `cdk-github-actions-oidc-bench-${cdkVersion}`);
  const python = path.join(venv, 'bin', 'python');
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RUNS: String(RUNS) };
  if (validation === undefined) delete env.CDK_VALIDATION; else env.CDK_VALIDATION = validation;
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8', cwd: ROOT, env });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const wheel = path.join(ROOT, 'dist', 'python', wheels[0]);
  const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
  if (!fs.existsSync(python)) run('python3', ['-m', 'venv', venv]);
  run(python, [...pip, wheel, `aws-cdk-lib==${cdkVersion}`]);
  run(python, [...pip, '--force-reinstall', '--no-deps', wheel]); // the wheel's version does not change between builds
  return JSON.parse(run(python, [path.join(__dirname, 'bench.py')]));
}

function ratio(ours: number, base: number): string {
  return `${(ours / base).toFixed(2)}x`;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

const VALIDATION_SETTINGS: { [label: string]: string | undefined } = {
  'on (aws-cdk-lib default)': undefined,
  'off (CDK_VALIDATION=false)': 'false',
};

function withValidation<T>(setting: string | undefined, measure: () => T): T {
  const saved = process.env.CDK_VALIDATION;
  if (setting === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = setting;
  try {
    return measure();
  } finally {
    if (saved === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = saved;
  }
}

async function main(): Promise<void> {
  const lines: string[] = [
    `Machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node.js ${process.version}; ` +
      `aws-cdk-lib ${cdkLibVersion()}; ${valgrindVersion() ?? 'no valgrind'}; median of ${RUNS} runs, library and baseline alternating`,
    '',
    row(['measure', 'library', 'hand-written aws-cdk-lib', 'ratio']),
    row(['---', '---', '---', '---']),
  ];
  for (const [label, setting] of Object.entries(VALIDATION_SETTINGS)) {
    // A thousand roles with template validation on would take minutes per run: measured with it off.
    for (const roles of setting === undefined ? [1, 10, 100] : [1, 10, 100, 1000]) {
      const { library, hand } = withValidation(setting, () => timeBoth(roles));
      lines.push(row([`TypeScript: build + synth, ${roles} role${roles > 1 ? 's' : ''}, template validation ${label}`,
        `${library.toFixed(1)} ms`, `${hand.toFixed(1)} ms`, ratio(library, hand)]));
    }
  }
  const scripts = processScripts();
  const imports = processBoth(scripts.imports, []);
  lines.push(row([`TypeScript: import in a new process (baseline: the aws-cdk-lib classes the hand-written variant uses), median of ${PROCESS_RUNS}`,
    `${imports.library.toFixed(0)} ms`, `${imports.hand.toFixed(0)} ms`, `+${(imports.library - imports.hand).toFixed(0)} ms`]));
  for (const roles of [1, 10, 100, 1000]) {
    const whole = processBoth(scripts.synth, [String(roles)]);
    lines.push(row([`TypeScript: whole process (start, load, build, synth), ${roles} role${roles > 1 ? 's' : ''}, validation off, median of ${PROCESS_RUNS}`,
      `${whole.library.toFixed(0)} ms, ${whole.libraryMiB.toFixed(0)} MiB`, `${whole.hand.toFixed(0)} ms, ${whole.handMiB.toFixed(0)} MiB`,
      ratio(whole.library, whole.hand)]));
  }
  if (valgrindVersion() !== undefined) {
    const millions = (count: number) => `${(count / 1e6).toFixed(1)} M`;
    const counted = await instructionsOfBoth(scripts.imports, []);
    lines.push(row(['TypeScript: import in a new process, CPU instructions (valgrind; V8 single-threaded and predictable)',
      millions(counted.library), millions(counted.hand), `+${millions(counted.library - counted.hand)}`]));
    for (const roles of [1, 100, 1000]) {
      const whole = await instructionsOfBoth(scripts.synth, [String(roles)]);
      lines.push(row([`TypeScript: whole process, ${roles} role${roles > 1 ? 's' : ''}, validation off, CPU instructions (as above)`,
        millions(whole.library), millions(whole.hand), `${(whole.library / whole.hand).toFixed(3)}x`]));
    }
  } else {
    lines.push(row(['TypeScript: whole process, CPU instructions', 'not counted: install valgrind (Debian: apt-get install valgrind)', '', '']));
  }
  const cli = cliRuns();
  const shown = (run: { ms: number; rssMiB: number }) => `${run.ms.toFixed(0)} ms, ${run.rssMiB.toFixed(0)} MiB`;
  lines.push(row(['command line, one repository, whole process, median of 5: as shipped / with CDK_VALIDATION=true',
    shown(cli.shipped), shown(cli.validated), ratio(cli.shipped.ms, cli.validated.ms)]));
  lines.push(row(['command line, one repository, whole process, median of 5: as shipped / without the compile cache (first run, Node.js < 22.1)',
    shown(cli.shipped), shown(cli.uncached), ratio(cli.shipped.ms, cli.uncached.ms)]));
  const ours = template(withLibrary, 10);
  const base = template(byHand, 10);
  lines.push(row(['resources, 10 roles', Object.keys(ours.Resources).length, Object.keys(base.Resources).length,
    `${Object.keys(ours.Resources).length - Object.keys(base.Resources).length} extra`]));
  const bytes = (t: any) => JSON.stringify(t).length;
  lines.push(row(['template bytes, 10 roles', bytes(ours), bytes(base), ratio(bytes(ours), bytes(base))]));
  for (const limit of [2048, 4096]) {
    const mine = capacity(libraryPolicy, limit);
    const minimal = capacity(branches => minimalPolicy(branches.map(subjectOf)), limit);
    lines.push(row([`branch subjects (28-30 characters) within ${limit} characters`, mine, minimal, ratio(mine, minimal)]));
    lines.push(row([`... accepted by the library's synth-time check at maxTrustPolicySize ${limit}`, acceptedBySizeCheck(limit), minimal,
      ratio(acceptedBySizeCheck(limit), minimal)]));
  }
  const size = iamSize(libraryPolicy(branchNames(20)));
  const minimalSize = iamSize(minimalPolicy(branchNames(20).map(subjectOf)));
  lines.push(row(['trust policy characters, 20 branches', size, minimalSize, ratio(size, minimalSize)]));

  for (const [label, setting] of Object.entries(VALIDATION_SETTINGS)) {
    const py = pythonFigures(setting);
    if (setting === undefined) {
      lines.push(row(['Python: import in a new process (baseline imports aws_cdk.aws_iam)',
        `${py.import_library_ms.toFixed(0)} ms`, `${py.import_baseline_ms.toFixed(0)} ms`, ratio(py.import_library_ms, py.import_baseline_ms)]));
    }
    lines.push(row([`Python: build + synth, 10 roles, template validation ${label}`,
      `${py.synth_library_ms.toFixed(0)} ms`, `${py.synth_baseline_ms.toFixed(0)} ms`, ratio(py.synth_library_ms, py.synth_baseline_ms)]));
  }
  console.log(lines.join('\n'));
}

/** The most branches for which a role in us-east-1 passes the library's own size check. */
function acceptedBySizeCheck(limit: number): number {
  let count = 0;
  for (;;) {
    const app = new App();
    const stack = new Stack(app, 'Check', { env: ENV });
    const repo = GitHubRepository.of('octo-org', 'octo-app');
    new GitHubActionsRole(stack, 'Role', {
      provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
      subjects: branchNames(count + 1).map(branch => repo.branch(branch)),
      maxTrustPolicySize: limit,
    });
    try {
      withValidation('false', () => app.synth());
    } catch {
      return count;
    }
    count++;
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
