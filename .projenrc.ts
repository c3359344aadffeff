import { awscdk, javascript } from 'projen';

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

  devDeps: [
    // Test oracles, pinned exactly: a new version must not silently change a verdict.
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cloud-copilot/iam-policy@0.1.109',
    'cdk-nag@3.0.2',
    'fast-check@4.10.2',
    'yaml@2.9.1',
    // jsii-pacmak writes the installed version of this aws-cdk-lib dependency into the Go
    // module's go.mod, and of the 54.x line (aws-cdk-lib 2.263 needs ^54.11.0) the Go module
    // proxy reachable here serves sources and checksums of 54.11.0 only.
    '@aws-cdk/cloud-assembly-schema@54.11.0',
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

// README and TSDoc examples must compile: they become the Python, Java and Go docs.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and @example snippet with jsii-rosetta in strict mode',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);
project.gitignore.exclude('.jsii.tabl.json', '/rosetta/*.tabl.json');
project.npmignore?.exclude('/rosetta/', '/.ci/', '/.venv/', '/.tools/');

// The Python half of the suite runs against the wheel that jsii-pacmak builds.
const setupTools = project.addTask('setup:tools', {
  description: 'Install the pinned test tools: a Python virtualenv with pytest and cfn-lint, and actionlint',
  exec: 'bash .ci/setup-tools.sh',
});
const testPython = project.addTask('test:python', {
  description: 'Run the Python suite against dist/python (run package:python first)',
  exec: '.venv/bin/python -m pytest test/python --junitxml=test-reports/pytest.xml',
  receiveArgs: true,
});
project.addTask('test:all', {
  description: 'Install the test tools, build, package for Python and run the TypeScript and Python suites',
  exec: 'bash .ci/test-all.sh',
});

project.buildWorkflow?.addPostBuildSteps(
  { name: 'Set up Python', uses: 'actions/setup-python@v6', with: { 'python-version': '3.11' } },
  { name: 'Install test tools', run: project.runTaskCommand(setupTools) },
  { name: 'Package for Python', run: project.runTaskCommand(project.tasks.tryFind('package:python')!) },
  { name: 'Python suite', run: project.runTaskCommand(testPython) },
);

project.synth();
