/**
 * Converts a schema-valid declaration document into the model's `Declared`: defaults applied,
 * references typed, secrets turned into `SecretSource`s by a policy (files accept literals, env,
 * files and Secrets; custom resources only Secrets). Pure.
 */
import type { Declared, SecretSource } from '../core/model.js';
import type { Collector, ConvertContext, Converted } from './convert-common.js';
import { projectDeclared, projectDefaultsDeclared, targetDeclared } from './convert-bluzone.js';
import { packageDeclared, providerDeclared, subscriptionDeclared } from './convert-streamwise.js';
import type * as G from './generated/declarations.js';
import type { Problem } from './problem.js';

function isProblem(v: SecretSource | Problem): v is Problem {
  return 'code' in v;
}

function collector(ctx: ConvertContext): Collector {
  const problems: Problem[] = [];
  const placeholder: SecretSource = { from: 'env', name: '' };
  return {
    ...ctx,
    problems,
    source(value, path) {
      ctx.cite(path);
      const s = ctx.secret(value, path);
      if (!isProblem(s)) return s;
      problems.push(s);
      return placeholder;
    },
  };
}

/**
 * Converts a document already validated against its kind's schema. Secret problems (a literal
 * secret in a custom resource, a file outside the configuration root) are returned and leave
 * `declared` undefined.
 */
export function toDeclared(doc: G.Declaration, ctx: ConvertContext): Converted {
  const c = collector(ctx);
  const declared = convertKind(doc, c);
  return c.problems.length > 0 ? { declared: undefined, problems: c.problems } : { declared, problems: [] };
}

function convertKind(doc: G.Declaration, c: Collector): Declared {
  switch (doc.kind) {
    case 'Target':
      return targetDeclared(doc, c);
    case 'ServiceProvider':
      return providerDeclared(doc, c);
    case 'ServicePackage':
      return packageDeclared(doc, c);
    case 'Subscription':
      return subscriptionDeclared(doc, c);
    case 'ProjectDefaults':
      return projectDefaultsDeclared(doc, c);
    case 'Project':
      return projectDeclared(doc, c);
  }
}
