import Handlebars from 'handlebars';
import { contentHash, escapeHtmlText, textToHtml } from './content-hash';
import type { MessageTemplate } from './templates';

export type TemplateVariables = Record<string, string>;

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  hash: string;
}

const hbs = Handlebars.create();

function compile(source: string) {
  // strict: a variable the template names but the data lacks is an error, never a blank. The
  // text is plain; the HTML part escapes that text as a whole.
  return hbs.compile(source, { strict: true, noEscape: true });
}

export { contentHash };

export function renderTemplate(template: Pick<MessageTemplate, 'subject' | 'body'>, vars: TemplateVariables): RenderedMessage {
  const subject = compile(template.subject)(vars);
  const text = compile(template.body)(vars);
  const html = textToHtml(text);
  return { subject, text, html, hash: contentHash(subject, text) };
}

/** HTML-escapes text for pages and email bodies built outside a template. */
export const escapeHtml = escapeHtmlText;
