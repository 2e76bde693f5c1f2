import Handlebars from 'handlebars';
import { renderTemplate, type RenderedMessage } from './render';

/**
 * A template's declared variables and the checks made when it is saved (M2.2, M5.3): a
 * template may use only variables it declares, only those Herald can supply, an optional one only
 * inside `{{#if}}` on itself, and nothing but plain substitution and `if`/`unless` blocks — so
 * a template that saves cleanly can never render a blank or a surprise into a customer's email.
 */

export interface VariableDeclaration {
  name: string;
  required: boolean;
  description?: string;
}

/** The variables the drafting activity supplies for every incident message. */
export const standardVariables: Record<string, string> = {
  title: 'The incident title',
  severity: 'SEV1 to SEV4',
  category: 'The incident category',
  components: 'The affected components, by the names customers know',
  summary: 'What customers are told about the incident (or the resolution note)',
  nextUpdate: 'When the next update will come',
};

export interface TemplateProblem {
  path: (string | number)[];
  message: string;
}

interface Usage {
  name: string;
  guarded: boolean;
}

type Node = hbs.AST.Node;

function walk(nodes: hbs.AST.Statement[], guards: Set<string>, uses: Usage[], problems: string[]): void {
  for (const node of nodes as Node[]) {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        break;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        const name = simpleName(m.path);
        if (!name || m.params.length || m.hash?.pairs.length) {
          problems.push(`"${source(m.path)}" is not a plain variable; only {{name}} substitutions are allowed`);
        } else if (!m.escaped) {
          problems.push(`{{{${name}}}} is not allowed; write {{${name}}}`);
        } else {
          uses.push({ name, guarded: guards.has(name) });
        }
        break;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const helper = simpleName(b.path);
        const cond = b.params.length === 1 ? simpleName(b.params[0]) : undefined;
        if ((helper !== 'if' && helper !== 'unless') || !cond || b.hash?.pairs.length) {
          problems.push(`{{#${source(b.path)}}} is not allowed; only {{#if name}} and {{#unless name}} blocks`);
          break;
        }
        uses.push({ name: cond, guarded: true });
        const guarded = new Set([...guards, cond]);
        walk(b.program?.body ?? [], helper === 'if' ? guarded : guards, uses, problems);
        walk(b.inverse?.body ?? [], helper === 'unless' ? guarded : guards, uses, problems);
        break;
      }
      default:
        problems.push(`${node.type.replace(/Statement$/, '').toLowerCase()}s are not allowed in templates`);
    }
  }
}

function simpleName(expr: hbs.AST.Expression | undefined): string | undefined {
  if (!expr || expr.type !== 'PathExpression') return undefined;
  const p = expr as hbs.AST.PathExpression;
  return p.depth === 0 && !p.data && p.parts.length === 1 ? p.parts[0] : undefined;
}

function source(expr: hbs.AST.Expression): string {
  return (expr as hbs.AST.PathExpression).original ?? expr.type;
}

/** Every problem with a template's text against its declaration; empty means it may be saved. */
export function checkTemplateSource(t: { subject: string; body: string; variables: VariableDeclaration[] }): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const declared = new Map(t.variables.map((v) => [v.name, v]));
  t.variables.forEach((v, i) => {
    if (!(v.name in standardVariables)) {
      problems.push({ path: ['variables', i, 'name'], message: `Herald supplies no variable "${v.name}" (known: ${Object.keys(standardVariables).join(', ')})` });
    }
    if (t.variables.findIndex((w) => w.name === v.name) !== i) problems.push({ path: ['variables', i, 'name'], message: `"${v.name}" is declared twice` });
  });
  const used = new Set<string>();
  for (const field of ['subject', 'body'] as const) {
    let ast: hbs.AST.Program;
    try {
      ast = Handlebars.parse(t[field]);
    } catch (err) {
      problems.push({ path: [field], message: `does not parse: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    const uses: Usage[] = [];
    const structural: string[] = [];
    walk(ast.body, new Set(), uses, structural);
    problems.push(...structural.map((message) => ({ path: [field], message })));
    for (const u of uses) {
      used.add(u.name);
      const d = declared.get(u.name);
      if (!d) problems.push({ path: [field], message: `uses "${u.name}", which is not declared` });
      else if (!d.required && !u.guarded) {
        problems.push({ path: [field], message: `optional "${u.name}" must sit inside {{#if ${u.name}}} so it never renders blank` });
      }
    }
  }
  t.variables.forEach((v, i) => {
    if (v.required && !used.has(v.name)) problems.push({ path: ['variables', i], message: `required "${v.name}" is never used` });
  });
  // A problem found twice (the same variable in two places) is reported once per place and kind.
  return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message && q.path.join('.') === p.path.join('.')) === i);
}

export class MissingVariablesError extends Error {
  constructor(readonly missing: string[]) {
    super(`missing template variables: ${missing.join(', ')}`);
  }
}

/**
 * Renders a declared template: every required variable must be present and non-blank (an error
 * otherwise, never a blank in the message); an absent optional one is empty, which its
 * `{{#if}}` guard turns into nothing.
 */
export function renderDeclared(
  t: { subject: string; body: string; variables: VariableDeclaration[] },
  values: Record<string, string | undefined>,
): RenderedMessage {
  const missing = t.variables.filter((v) => v.required && !values[v.name]?.trim()).map((v) => v.name);
  if (missing.length) throw new MissingVariablesError(missing);
  const vars = Object.fromEntries(t.variables.map((v) => [v.name, values[v.name] ?? '']));
  return renderTemplate(t, vars);
}
