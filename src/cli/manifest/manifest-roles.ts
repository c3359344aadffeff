import { GitHubClaimCondition } from '../../claim-condition';
import { GitHubRepository } from '../../subject';
import { RoleSpec } from '../role-spec';
import { ManifestData, ManifestError } from './read-manifest';

/** A role of the manifest: what to build, and where the manifest names it. */
export interface ManifestRole {
  readonly name: string;
  readonly spec: RoleSpec;
  /** The role's path in the manifest, such as `roles.3`, for messages. */
  readonly path: string;
}

/**
 * The manifest's roles as the command line builds them. Every value goes through the library's
 * own builders here, so that a value they refuse is reported at its line and column, with the
 * builders' message, and nothing is written.
 */
export function manifestRoles(data: ManifestData): ManifestRole[] {
  const problems: string[] = [];
  const attempt = <T>(path: string, build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      problems.push(`${data.at(path)}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const seen = new Map<string, string>();
  const seenKeys = new Map<string, string>();
  const createdEcr = new Map<string, string>();
  const roles: ManifestRole[] = [];
  (data.value.roles as any[]).forEach((role, i) => {
    const path = `roles.${i}`;
    const name: string = role.name;
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
      problems.push(`${data.at(`${path}.name`)}: invalid role name '${name}': role names are 1-64 letters, digits or '_+=,.@-' characters.`);
    } else if (seen.has(name.toLowerCase())) {
      problems.push(`${data.at(`${path}.name`)}: the role name '${name}' is also used at ${seen.get(name.toLowerCase())}: IAM role names are unique in an account, whatever their letter case.`);
    }
    seen.set(name.toLowerCase(), data.at(`${path}.name`));
    // Names that read the same once only letters and digits count would share a logical ID and a workflow variable.
    const key = constructId(name).toLowerCase();
    const other = seenKeys.get(key);
    if (other !== undefined && other.toLowerCase() !== name.toLowerCase()) {
      problems.push(`${data.at(`${path}.name`)}: the role names '${other}' and '${name}' both become ${constructId(name)} in the template's ` +
        `logical IDs and ${variableFor(name)} in workflows: give roles names that differ in their letters or digits.`);
    }
    seenKeys.set(key, name);
    const repositories = (role.repositories as any[]).map((entry, j) => attempt(`${path}.repositories.${j}`, () => typeof entry === 'string'
      ? GitHubRepository.fromFullName(entry)
      : GitHubRepository.fromFullName(entry.name, { repositoryId: entry.repositoryId })));
    const known = repositories.filter((r): r is GitHubRepository => r !== undefined);
    const list = (field: string): string[] => role[field] ?? [];
    // Each value is checked once, on the first repository: the builders check values the same way for every repository.
    const check = (field: string, build: (repository: GitHubRepository, value: string) => unknown) =>
      list(field).forEach((value, j) => known.length > 0 && attempt(`${path}.${field}.${j}`, () => build(known[0], value)));
    check('branches', (r, v) => r.branch(v));
    check('tags', (r, v) => r.tag(v));
    check('environments', (r, v) => r.environment(v));
    check('mergeQueues', (r, v) => r.mergeQueue(v));
    if (list('managedPolicies').length > 20) {
      problems.push(`${data.at(`${path}.managedPolicies`)}: the role '${name}' has ${list('managedPolicies').length} managed policies; IAM attaches at most 20 to a role (10 unless the quota was raised): merge some.`);
    }
    list('ecrRepositories').forEach((repository, j) => {
      const at = data.at(`${path}.ecrRepositories.${j}`);
      const again = role.existingEcrRepositories === true ? undefined
        : createdEcr.get(repository) ?? createdEcr.get(constructId(repository).toLowerCase());
      if (again !== undefined) {
        problems.push(`${at}: the ECR repository '${repository}' is created again here (first at ${again}), and a Region holds one repository of a name: ` +
          'create it once, and give the other roles existingEcrRepositories: true, or let one role push to it.');
      }
      if (role.existingEcrRepositories !== true) {
        createdEcr.set(repository, at);
        createdEcr.set(constructId(repository).toLowerCase(), at);
      }
    });
    list('managedPolicies').forEach((arn, j) => {
      if (!/^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/.test(arn)) {
        problems.push(`${data.at(`${path}.managedPolicies.${j}`)}: invalid managed policy '${arn}': give the policy's ARN, such as 'arn:aws:iam::aws:policy/ReadOnlyAccess'.`);
      }
    });
    const subjects = list('branches').length + list('tags').length + list('environments').length + list('mergeQueues').length + (role.pullRequests ? 1 : 0);
    if (subjects === 0) {
      problems.push(`${data.at(path)}: the role '${name}' names no runs: add branches, tags, environments, mergeQueues or pullRequests: true.`);
    }
    const conditions = role.conditions ?? {};
    const claimConditions = [
      ...((conditions.notActors ?? []) as string[]).map((login, j) => attempt(`${path}.conditions.notActors.${j}`, () => GitHubClaimCondition.notActor(login))),
      ...([
        ['actor', GitHubClaimCondition.actor], ['actorId', GitHubClaimCondition.actorId], ['jobWorkflowRef', GitHubClaimCondition.jobWorkflowRef],
        ['enterpriseId', GitHubClaimCondition.enterpriseId], ['ref', GitHubClaimCondition.ref],
      ] as Array<[string, (value: string) => GitHubClaimCondition]>)
        .filter(([field]) => conditions[field] !== undefined)
        .map(([field, build]) => attempt(`${path}.conditions.${field}`, () => build(conditions[field]))),
    ].filter((c): c is GitHubClaimCondition => c !== undefined);
    roles.push({
      name,
      path,
      spec: {
        repositories: known,
        branches: list('branches'),
        tags: list('tags'),
        environments: list('environments'),
        pullRequest: role.pullRequests === true,
        mergeQueues: list('mergeQueues'),
        claimConditions,
        roleName: name,
        managedPolicies: list('managedPolicies'),
        ecrRepositories: list('ecrRepositories'),
        existingEcrRepository: role.existingEcrRepositories === true,
      },
    });
  });
  if (problems.length > 0) throw new ManifestError(problems);
  return roles;
}

/** A construct ID from a name: its letters and digits, each part capitalized (`octo-app-deploy` is `OctoAppDeploy`). */
export function constructId(name: string): string {
  const id = name.split(/[^A-Za-z0-9]+/).filter(part => part !== '').map(part => part[0].toUpperCase() + part.slice(1)).join('');
  return /^[A-Za-z]/.test(id) ? id : `Role${id}`;
}

/** The repository variable a workflow reads a role's ARN from, where its repository has several roles. */
export function variableFor(name: string): string {
  return `AWS_ROLE_ARN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
