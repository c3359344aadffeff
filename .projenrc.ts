import { awscdk, javascript, JsonFile } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-github-actions-oidc',
  description:
    'AWS CDK constructs that let GitHub Actions workflows assume AWS IAM roles through OpenID Connect, with trust policies exactly as wide as intended.',
  author: 'cdk-github-actions-oidc maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-1285ef72.example',
  // Placeholder organisation: replace it (and the Go module path below) when the project gets its real home.
  repositoryUrl: 'https://github.com/oidc-constructs/cdk-github-actions-oidc.git',
  license: 'Apache-2.0',
  keywords: ['aws-cdk', 'cdk', 'github-actions', 'oidc', 'openid-connect', 'iam', 'ecr', 'security'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',

  // The lowest aws-cdk-lib the library supports, and the one its tests run against. Each
  // binding requires at least this version from its own registry (npm, PyPI, Maven Central,
  // the Go module proxy), so it must be published in all four: 2.263.0 is the newest that
  // Maven Central serves (npm has 2.276.0, PyPI 2.275.0, the Go proxy 2.276.0).
  cdkVersion: '2.263.0',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  minNodeVersion: '20.16.0',
  // GitHub's runners use Node.js 24: it ships npm 11, which npm trusted publishing requires.
  workflowNodeVersion: '24.x',

  // The compiled JavaScript without embedded source maps and sources: half the package, and less for
  // every process that imports the library to read (Node.js, and the jsii runtime behind Python,
  // Java and Go). Tests and coverage run on the TypeScript sources.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },

  // `npx cdk-github-actions-oidc --repo OWNER/NAME --branch main` writes a template and a workflow.
  bin: { 'cdk-github-actions-oidc': 'lib/cli.js' },

  npmTrustedPublishing: true,
  publishToPypi: {
    distName: 'cdk-github-actions-oidc',
    module: 'cdk_github_actions_oidc',
    trustedPublishing: true,
  },
  publishToMaven: {
    javaPackage: 'io.github.oidcconstructs.githubactionsoidc',
    mavenGroupId: 'io.github.oidc-constructs',
    mavenArtifactId: 'cdk-github-actions-oidc',
  },
  publishToGo: {
    moduleName: 'github.com/oidc-constructs/cdk-github-actions-oidc-go',
  },

  // Read CloudFormation templates in YAML (the audit command). Bundled into the package, as
  // jsii requires of dependencies that are not jsii libraries themselves.
  bundledDeps: ['yaml@2.9.1'],

  devDeps: [
    // Test oracles, pinned exactly: a new version must not silently change a verdict.
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cloud-copilot/iam-policy@0.1.109',
    'cdk-nag@3.0.2',
    'fast-check@4.10.2',
    // The SARIF 2.1.0 JSON schema (OASIS) with a Jest matcher, to check the audit's SARIF output.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    // jsii-pacmak writes the installed version of this aws-cdk-lib dependency into the Go
    // module's go.mod, and of the 54.x line (aws-cdk-lib 2.263 needs ^54.11.0) the Go module
    // proxy reachable here serves sources and checksums of 54.11.0 only.
    '@aws-cdk/cloud-assembly-schema@54.11.0',
    // Mutation testing (npx projen mutation), not part of CI: it takes minutes.
    '@stryker-mutator/core@10.0.0',
    '@stryker-mutator/jest-runner@10.0.0',
    '@stryker-mutator/typescript-checker@10.0.0',
  ],

  // One program for every linted file: the root tsconfig.dev.json covers src, test and .projenrc.ts.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'projenrc'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  jestOptions: {
    // Snapshots change only when a developer runs `npx projen test:update` and reviews the diff.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
  },

  gitignore: ['/.venv/', '/.tools/', '__pycache__/', '.pytest_cache/', '/out/'],
});

project.tsconfigDev.addInclude('.projenrc.ts');

// The library requires aws-cdk-lib in one module (src/private/aws-cdk-lib.ts says why); types may come from it directly.
const throughOneModule = 'Import aws-cdk-lib values from src/private/aws-cdk-lib.ts (see why there); `import type` may name aws-cdk-lib.';
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  excludedFiles: ['src/private/aws-cdk-lib.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      paths: [{ name: 'aws-cdk-lib', message: throughOneModule, allowTypeImports: true }],
      patterns: [{ group: ['aws-cdk-lib/*'], message: throughOneModule, allowTypeImports: true }],
    }],
    // The same for require() and import(), which the rule above does not see.
    'no-restricted-syntax': ['error', {
      selector: ":matches(CallExpression[callee.name='require'], ImportExpression) > Literal[value=/^aws-cdk-lib(\\/|$)/]",
      message: throughOneModule,
    }],
  },
});

// README and TSDoc examples must compile: they become the Python, Java and Go docs.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and @example snippet with jsii-rosetta in strict mode',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);
project.gitignore.exclude('.jsii.tabl.json', '/rosetta/*.tabl.json');
project.npmignore?.exclude('/rosetta/', '/.ci/', '/.venv/', '/.tools/');

// Mutation testing: which changes to the subject and trust-policy code the tests fail to
// notice. Slow (each mutant reruns the tests that reach it), so not part of CI.
new JsonFile(project, 'stryker.config.json', {
  obj: {
    $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    testRunner: 'jest',
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.dev.json',
    mutate: [
      'src/issuer.ts',
      'src/provider.ts',
      'src/subject.ts',
      'src/role.ts',
      'src/ecr-push-role.ts',
      'src/private/breadth.ts',
      'src/private/github-names.ts',
      'src/private/iam-strings.ts',
      'src/private/trust-principal.ts',
      'src/private/trust-policy-size.ts',
      'src/analysis/audit-rules.ts',
      'src/analysis/evaluation.ts',
      'src/analysis/explain.ts',
      'src/analysis/policy-document.ts',
      'src/analysis/policy-sources.ts',
    ],
    coverageAnalysis: 'perTest',
    concurrency: 2,
    jest: {
      enableFindRelatedTests: false,
      config: {
        collectCoverage: false,
        reporters: ['default'],
        testMatch: [
          '<rootDir>/test/issuer.test.ts',
          '<rootDir>/test/provider.test.ts',
          '<rootDir>/test/subject.test.ts',
          '<rootDir>/test/role.test.ts',
          '<rootDir>/test/trust-oracle.test.ts',
          '<rootDir>/test/exact-trust.test.ts',
          '<rootDir>/test/trust-properties.test.ts',
          '<rootDir>/test/refusals.test.ts',
          '<rootDir>/test/trust-policy-size.test.ts',
          '<rootDir>/test/workflow.test.ts',
          '<rootDir>/test/ecr-push-role.test.ts',
          '<rootDir>/test/trust-evaluation.test.ts',
          '<rootDir>/test/trust-audit.test.ts',
          '<rootDir>/test/trust-explain.test.ts',
          '<rootDir>/test/cli-analysis.test.ts',
        ],
      },
    },
    reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
    htmlReporter: { fileName: 'test-reports/mutation/index.html' },
    jsonReporter: { fileName: 'test-reports/mutation/report.json' },
    tempDirName: '.stryker-tmp',
    ignorePatterns: ['dist', '.venv', '.tools', 'test-reports', 'coverage'],
  },
});
project.addTask('mutation', {
  description: 'Mutation testing of src/ with StrykerJS (slow; not part of CI)',
  // Fewer property runs per mutant: each run of the full property suite takes seconds.
  // aws-cdk-lib's template validation (a WebAssembly linter) takes half of every synth and
  // checks nothing of this library's, so mutants are tested without it.
  env: { FC_RUNS: '50', CDK_VALIDATION: 'false' },
  exec: 'stryker run',
  receiveArgs: true,
});
project.gitignore.exclude('/.stryker-tmp/', '/reports/');
// Build outputs of the Java and Go binding suites (the Go suite writes none of its own).
// (The npm package leaves out all of /test/ already.)
project.gitignore.exclude('/test/java/target/');
project.npmignore?.exclude('/stryker.config.json');

// The Python half of the suite runs against the wheel that jsii-pacmak builds.
const setupTools = project.addTask('setup:tools', {
  description: 'Install the pinned test tools: a Python virtualenv with pytest and cfn-lint, actionlint and gotestsum',
  exec: 'bash .ci/setup-tools.sh',
});
const testPython = project.addTask('test:python', {
  description: 'Run the Python suite against dist/python (run package:python first)',
  exec: '.venv/bin/python -m pytest test/python --junitxml=test-reports/pytest.xml',
  receiveArgs: true,
});
// The Java and Go halves run against the packages that jsii-pacmak writes to dist/java (a Maven
// repository on disk) and dist/go, and compare with the references of test/cross-language.test.ts.
project.addTask('test:java', {
  description: 'Run the Java suite (JUnit 5, Maven Surefire) against dist/java (run package:java first)',
  steps: [
    // Maven never fetches a release version again that its local repository has, and the
    // library's stays 0.0.0 between builds: drop the copy of the previous package first
    // (see test/java/pom.xml).
    { exec: 'mvn -B -ntp -q -f test/java/pom.xml clean:clean@forget-previous-package' },
    { exec: 'rm -rf test-reports/java' },
    {
      exec: 'mvn -B -ntp -f test/java/pom.xml test -Dlib.version=$(node -p "require(\'./package.json\').version")',
      receiveArgs: true,
    },
  ],
});
project.addTask('test:go', {
  description: 'Run the Go suite against dist/go (run package:go and setup:tools first)',
  steps: [
    { exec: 'mkdir -p test-reports' },
    {
      // gotestsum (pinned in .ci/setup-tools.sh) runs `go test -json` and writes the JUnit report.
      exec: '../../.tools/bin/gotestsum --format testname --junitfile ../../test-reports/go.xml -- -count=1 ./...',
      cwd: 'test/go',
      receiveArgs: true,
    },
  ],
});
project.addTask('test:all', {
  description: 'Install the test tools, build, package for Python, Java and Go and run the TypeScript, Python, Java and Go suites',
  exec: 'bash .ci/test-all.sh',
});

// Synth cost and trust-policy size against hand-written aws-cdk-lib (README "Performance").
project.addTask('bench', {
  description: 'Benchmark the library against hand-written aws-cdk-lib in TypeScript and Python (not part of the tests)',
  steps: [
    { spawn: 'compile' },
    { spawn: 'package:python' },
    { exec: 'ts-node --project tsconfig.dev.json test/bench/bench.ts' },
  ],
});

// The command line's manifest mode at 10, 100 and 1,000 repositories (README "Across an organization").
project.addTask('bench:manifest', {
  description: 'Benchmark the command line on manifests of 10, 100 and 1,000 repositories (not part of the tests)',
  steps: [
    { spawn: 'compile' },
    { exec: 'ts-node --project tsconfig.dev.json test/bench/manifest-scale.ts' },
  ],
});

project.buildWorkflow?.addPostBuildSteps(
  { name: 'Set up Python', uses: 'actions/setup-python@v7.0.0', with: { 'python-version': '3.11' } },
  { name: 'Install test tools', run: project.runTaskCommand(setupTools) },
  { name: 'Package for Python', run: project.runTaskCommand(project.tasks.tryFind('package:python')!) },
  { name: 'Python suite', run: project.runTaskCommand(testPython) },
);

project.synth();
