import { deployTimeValue, hasDeployTimeValue, IAM_ESCAPES, soleDeployTimeValue } from './deploy-time';
import { isObject } from './policy-document';

/**
 * A CloudFormation template's values as the audit reads them before deployment: the functions
 * whose result is known worked out, each `Fn::If` read both ways, and everything else (parameters,
 * imports, attributes of other resources) marked as a value only deployment knows.
 */

/** What a template holds besides the value: its resources and mappings. */
export interface TemplateContext {
  readonly resources: { [id: string]: any };
  readonly mappings?: { [name: string]: any };
}

/** The most alternatives one value is read in (each `Fn::If` doubles them). */
const MOST_ALTERNATIVES = 64;

/** `AWS::NoValue`: the property or list item is left out. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Every way a template's value can deploy, as far as `Fn::If` decides it: one value per
 * alternative, with the functions whose result is known worked out.
 */
export function valueAlternatives(value: unknown, context: TemplateContext): unknown[] {
  return alternatives(value).filter(alternative => alternative !== NO_VALUE).map(alternative => resolveIntrinsics(alternative, context));
}

function alternatives(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return combine(value.map(alternatives)).map(items => items.filter(item => item !== NO_VALUE));
  }
  if (!isObject(value)) return [value];
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3) {
    return [...alternatives(value['Fn::If'][1]), ...alternatives(value['Fn::If'][2])].slice(0, MOST_ALTERNATIVES);
  }
  if (keys.length === 1 && keys[0] === 'Ref' && value.Ref === 'AWS::NoValue') return [NO_VALUE];
  const entries = Object.entries(value);
  return combine(entries.map(([, item]) => alternatives(item)))
    .map(items => Object.fromEntries(entries.map(([key], index) => [key, items[index]]).filter(([, item]) => item !== NO_VALUE)));
}

/** Every combination of one alternative per position, up to the limit. */
function combine(options: unknown[][]): unknown[][] {
  let combinations: unknown[][] = [[]];
  for (const choices of options) {
    combinations = combinations.flatMap(combination => choices.map(choice => [...combination, choice])).slice(0, MOST_ALTERNATIVES);
  }
  return combinations;
}

/**
 * A template's value (without `Fn::If`) with the functions whose result is known before deployment
 * worked out: `Fn::Join`, `Fn::Sub`, `Fn::Split`, `Fn::Select`, `Fn::FindInMap` of the template's
 * mappings, the partition, the `Ref` or `Arn` of an OIDC provider in the same template, and IAM's
 * escapes of a value only deployment knows. Everything else stands as a `deployTimeValue()`.
 */
export function resolveIntrinsics(value: unknown, context: TemplateContext): any {
  if (Array.isArray(value)) return value.map(item => resolveIntrinsics(item, context));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return intrinsic(keys[0], value[keys[0]], context);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveIntrinsics(item, context)]));
}

function intrinsic(name: string, argument: any, context: TemplateContext): any {
  const resolved = resolveIntrinsics(argument, context);
  switch (name) {
    case 'Ref': return typeof resolved === 'string' ? reference(resolved, undefined, context) : deployTimeValue();
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(resolved) ? resolved : String(resolved).split(/\.(.*)/s);
      return reference(String(id), String(attribute), context);
    }
    case 'Fn::Join': return join(resolved);
    case 'Fn::Split': {
      if (!Array.isArray(resolved) || typeof resolved[0] !== 'string' || typeof resolved[1] !== 'string') return deployTimeValue();
      const escaped = soleDeployTimeValue(resolved[1]);
      if (escaped !== undefined) return { splitOn: resolved[0], escaped };
      return hasDeployTimeValue(resolved[1]) ? deployTimeValue() : resolved[1].split(resolved[0]);
    }
    case 'Fn::Select':
      return Array.isArray(resolved) && Array.isArray(resolved[1]) && resolved[1][Number(resolved[0])] !== undefined
        ? resolved[1][Number(resolved[0])] : deployTimeValue();
    case 'Fn::FindInMap': {
      const [map, first, second] = Array.isArray(resolved) ? resolved : [];
      const found = [map, first, second].every(key => typeof key === 'string') ? context.mappings?.[map]?.[first]?.[second] : undefined;
      return found === undefined ? deployTimeValue() : resolveIntrinsics(found, context);
    }
    case 'Fn::ToJsonString':
      return JSON.stringify(resolved);
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(resolved) ? resolved : [resolved, {}];
      if (typeof text !== 'string') return deployTimeValue();
      return text.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, inner: string) => {
        if (literal) return `\${${inner}}`;
        if (isObject(variables) && typeof variables[inner] === 'string') return variables[inner];
        const [id, attribute] = inner.split(/\.(.*)/s);
        return reference(id, attribute, context);
      });
    }
    default:
      return deployTimeValue();
  }
}

/**
 * `Fn::Join`. Over `Fn::Split` of a deploy-time value, it replaces what the value was split on with
 * the separator: IAM's escape of that character escapes it (escaping `$` after `*` or `?` turns their
 * escapes back into wildcards, `${$}{*}`), and a separator with no bare `$`, `*` or `?` keeps what was escaped.
 */
function join(resolved: unknown): unknown {
  if (!Array.isArray(resolved) || typeof resolved[0] !== 'string') return deployTimeValue();
  const [separator, items] = resolved;
  if (isSplitDeployTimeValue(items)) {
    if (IAM_ESCAPES[items.splitOn] === separator) return deployTimeValue(items.splitOn === '$' ? '$' : items.escaped + items.splitOn);
    return /[$*?]/.test(separator.replace(/\$\{[$*?]\}/g, '')) ? deployTimeValue() : deployTimeValue(items.escaped);
  }
  return Array.isArray(items) ? items.map(item => typeof item === 'string' ? item : deployTimeValue()).join(separator) : deployTimeValue();
}

/** A deploy-time value split on a character, on its way to being escaped by `Fn::Join`. */
interface SplitDeployTimeValue {
  readonly splitOn: string;
  readonly escaped: string;
}

function isSplitDeployTimeValue(value: unknown): value is SplitDeployTimeValue {
  return isObject(value) && typeof value.splitOn === 'string' && typeof value.escaped === 'string';
}

/** A `Ref` or `Fn::GetAtt`: the partition, or an OIDC provider's ARN in this template; else unknown. */
function reference(id: string, attribute: string | undefined, context: TemplateContext): string {
  if (id === 'AWS::Partition' && attribute === undefined) return 'aws';
  const resource = context.resources[id];
  const isProvider = isObject(resource) && (resource.Type === 'AWS::IAM::OIDCProvider' || resource.Type === 'Custom::AWSCDKOpenIdConnectProvider');
  if (!isProvider || (attribute !== undefined && attribute !== 'Arn')) return deployTimeValue();
  const url = resolveIntrinsics(resource.Properties?.Url, context);
  return typeof url === 'string' && !hasDeployTimeValue(url)
    ? `arn:aws:iam::${deployTimeValue()}:oidc-provider/${url.replace(/^https:\/\//, '')}` : deployTimeValue();
}

/**
 * The resources of a template, with those that `Fn::ForEach` (the `AWS::LanguageExtensions`
 * transform) writes read once each, their loop variable standing for a value only deployment knows.
 */
export function templateResources(resources: { [key: string]: any }): Array<[string, any]> {
  return Object.entries(resources).flatMap(([key, value]): Array<[string, any]> => {
    if (!key.startsWith('Fn::ForEach::')) return [[key, value]];
    const fragment = Array.isArray(value) ? value[2] : undefined;
    return isObject(fragment) ? templateResources(fragment).map(([id, resource]) => [`${id} (${key})`, resource]) : [];
  });
}
