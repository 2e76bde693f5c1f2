import Handlebars from 'handlebars';
import { canonicalJson, sha256 } from './audit';
import type { MessageTemplate } from './templates';

export type TemplateVariables = Record<string, string>;

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  hash: string;
}

const hbs = Handlebars.create();

function compile(source: string, escape: boolean) {
  // strict: a variable the template names but the data lacks is an error, never a blank.
  return hbs.compile(source, { strict: true, noEscape: !escape });
}

function paragraphsToHtml(escapedText: string): string {
  return escapedText
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** The content hash of a message: the identity an approval binds to. */
export function contentHash(subject: string, text: string): string {
  return sha256(canonicalJson({ subject, text }));
}

export function renderTemplate(template: MessageTemplate, vars: TemplateVariables): RenderedMessage {
  const subject = compile(template.subject, false)(vars);
  const text = compile(template.body, false)(vars);
  const html = paragraphsToHtml(compile(template.body, true)(vars));
  return { subject, text, html, hash: contentHash(subject, text) };
}

/** HTML-escapes text for pages and email bodies built outside a template. */
export function escapeHtml(text: string): string {
  return hbs.Utils.escapeExpression(text);
}
