import { UsageError } from '../command';

/**
 * Which stack each role of a manifest goes in, so that every template stays within
 * CloudFormation's limits and adding a role never moves another one.
 *
 * A role moved between stacks would be deleted from one and created in the other, and with a
 * fixed name the creation fails while the old role exists. So the assignment is kept in a file
 * beside the templates (commit it with them): each run keeps every role where it was, puts new
 * ones in the first stack with room, and opens a new stack only when none has.
 */

/**
 * CloudFormation's limits per template, with room for the provider and its output in the first
 * stack: 500 resources, 200 outputs, and 1 MB of template through S3 (counted from an estimate).
 */
export const STACK_LIMITS = { resources: 500 - 10, outputs: 200 - 10, bytes: 900_000 };

/** What a role adds to its stack. */
export interface RoleCost {
  readonly name: string;
  readonly resources: number;
  readonly outputs: number;
  /** More than the role's share of the template's text can be. */
  readonly bytes: number;
}

/** The stacks in order, each with its roles' names; the first holds the provider. */
export interface StackAssignment {
  readonly stacks: Array<{ readonly name: string; readonly roles: string[] }>;
}

/**
 * Assigns roles to stacks named `<first>`, `<first>-2`, ...: those assigned before stay where they
 * were (the ones no longer in the manifest leave), new ones fill the first stack with room.
 */
export function assignStacks(roles: RoleCost[], first: string, previous?: StackAssignment): StackAssignment {
  const byName = new Map(roles.map(role => [role.name, role]));
  const stacks = (previous?.stacks ?? []).map(stack => ({ name: stack.name, roles: stack.roles.filter(name => byName.has(name)) }));
  if (stacks.length === 0 || stacks[0].name !== first) stacks.unshift({ name: first, roles: [] });
  const placed = new Set(stacks.flatMap(stack => stack.roles));
  const used = (stack: { roles: string[] }) => ({
    resources: stack.roles.reduce((total, name) => total + byName.get(name)!.resources, 0),
    outputs: stack.roles.reduce((total, name) => total + byName.get(name)!.outputs, 0),
    bytes: stack.roles.reduce((total, name) => total + byName.get(name)!.bytes, 0),
  });
  for (const stack of stacks) {
    const { resources, outputs, bytes } = used(stack);
    if (resources > STACK_LIMITS.resources || outputs > STACK_LIMITS.outputs || bytes > STACK_LIMITS.bytes) {
      throw new Error(
        `Stack ${stack.name} would hold ${resources} resources, ${outputs} outputs and about ${bytes} bytes, over CloudFormation's limits ` +
        `(${STACK_LIMITS.resources}, ${STACK_LIMITS.outputs} and ${STACK_LIMITS.bytes} here, with room for the provider): its roles grew. Move one of them ` +
        'to a new stack by giving it a new name in the manifest (a new role; delete the old one after switching), or make it smaller.',
      );
    }
  }
  for (const role of roles.filter(r => !placed.has(r.name))) {
    const fits = (stack: { roles: string[] }) => {
      const { resources, outputs, bytes } = used(stack);
      return resources + role.resources <= STACK_LIMITS.resources && outputs + role.outputs <= STACK_LIMITS.outputs
        && bytes + role.bytes <= STACK_LIMITS.bytes;
    };
    let stack = stacks.find(fits);
    if (stack === undefined) {
      stack = { name: `${first}-${nextNumber(stacks.map(s => s.name), first)}`, roles: [] };
      if (!fits(stack)) {
        throw new Error(`Role ${role.name} alone is more than a stack may hold (${role.resources} resources, ${role.outputs} outputs, ` +
          `about ${role.bytes} bytes): give it fewer ECR repositories or managed policies.`);
      }
      stacks.push(stack);
    }
    stack.roles.push(role.name);
  }
  return { stacks: stacks.filter((stack, i) => i === 0 || stack.roles.length > 0) };
}

function nextNumber(names: string[], first: string): number {
  const numbers = names.map(name => (name.startsWith(`${first}-`) ? Number(name.slice(first.length + 1)) : 1)).filter(Number.isInteger);
  return Math.max(1, ...numbers) + 1;
}

/** Reads an assignment file written by an earlier run; undefined when there is none. */
export function parseAssignment(text: string | undefined, file: string): StackAssignment | undefined {
  if (text === undefined) return undefined;
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}. It records which stack holds each role; restore it from version control.`);
  }
  const valid = Array.isArray(data?.stacks) && data.stacks.every((stack: any) => typeof stack?.name === 'string'
    && Array.isArray(stack.roles) && stack.roles.every((role: unknown) => typeof role === 'string'));
  if (!valid) throw new UsageError(`Cannot read ${file}: it should be {"stacks": [{"name": ..., "roles": [...]}]}. Restore it from version control.`);
  const badName = data.stacks.find((stack: any) => !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack.name));
  if (badName) throw new UsageError(`Cannot read ${file}: '${badName.name}' is not a stack name (letters, digits and '-'). Restore the file from version control.`);
  const roles: string[] = data.stacks.flatMap((stack: any) => stack.roles);
  const twice = roles.find((role, i) => roles.indexOf(role) !== i);
  if (twice !== undefined) {
    throw new UsageError(`Cannot read ${file}: it lists the role '${twice}' twice, and a role lives in one stack. Restore the file from version control, or keep the role only where it is deployed.`);
  }
  return data;
}
