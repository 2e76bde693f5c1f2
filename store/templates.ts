import Handlebars from 'handlebars';
import { contentHash } from '../domain/messages/content-hash';
import type { DataProtectionReview, LegalApproval } from '../domain/messages/governance';
import { standardVariables, type VariableDeclaration } from '../domain/messages/template-schema';
import type { MessageTemplate } from '../domain/messages/templates';
import type { TemplateVersionDoc } from './message-models';
import type { Models } from './models';
import { isDuplicateKey } from './mongo';

/**
 * The template registry's storage (M2.2, M5.3). `template_versions` holds every version ever
 * saved and is the source of truth (its unique index decides a race between two saves);
 * `templates` holds each template's latest version, which is what drafting reads.
 */

export type TemplateDraft = Omit<MessageTemplate, 'templateId'> & {
  tags: string[];
  description?: string;
  variables: VariableDeclaration[];
  revision?: { reason: string; answers: string[] };
};

export class RegistryConflict extends Error {
  constructor(
    message: string,
    readonly current?: { version: number; contentHash: string },
  ) {
    super(message);
  }
}

export class RegistryNotFound extends Error {}

type RegistryModels = Pick<Models, 'Template' | 'TemplateVersion'>;

const projection = { _id: 0, __v: 0 };

/** A template seeded without governance (the builtins) declares, as required, exactly what it uses. */
function declaredFromUse(t: Pick<MessageTemplate, 'subject' | 'body'>): VariableDeclaration[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; parts?: string[]; depth?: number; data?: boolean };
    if (n.type === 'PathExpression' && n.depth === 0 && !n.data && n.parts?.length === 1 && n.parts[0] in standardVariables) names.add(n.parts[0]);
    for (const v of Object.values(node)) if (typeof v === 'object') visit(v);
  };
  visit(Handlebars.parse(t.subject));
  visit(Handlebars.parse(t.body));
  return [...names].sort().map((name) => ({ name, required: true }));
}

export async function latestVersion(models: RegistryModels, templateId: string): Promise<TemplateVersionDoc | undefined> {
  const latest = await models.TemplateVersion.findOne({ templateId }, projection).sort({ version: -1 }).lean<TemplateVersionDoc>();
  if (latest) return latest;
  // A seeded template that was never saved through the registry is its own version 1.
  const seeded = await models.Template.findOne({ templateId }, projection).lean<MessageTemplate>();
  if (!seeded) return undefined;
  return {
    ...seeded,
    version: 1,
    tags: [],
    variables: declaredFromUse(seeded),
    contentHash: contentHash(seeded.subject, seeded.body),
    review: {},
    author: 'herald',
    savedAt: new Date(0).toISOString(),
  };
}

/** Who signed seeded wording off, and for how long its data-protection review holds. */
export interface SeedReview {
  legalApprover: string;
  dataProtectionReviewer: string;
  regimes: string[];
  at: Date;
  validDays: number;
}

/**
 * Writes templates as reviewed version 1s: a legal approval and a data-protection review of
 * exactly their wording, given at `at` and expiring `validDays` later, so wording seeded today is
 * usable for restricted (data-exposure, regulated-customer) incidents from the first minute.
 */
export async function seedReviewedTemplates(models: RegistryModels, templates: readonly MessageTemplate[], review: SeedReview): Promise<void> {
  const at = review.at.toISOString();
  const expiresAt = new Date(review.at.getTime() + review.validDays * 86_400_000).toISOString();
  const docs: TemplateVersionDoc[] = templates.map((t) => {
    const hash = contentHash(t.subject, t.body);
    return {
      ...t,
      version: 1,
      tags: [],
      variables: declaredFromUse(t),
      contentHash: hash,
      review: {
        legal: { approvedBy: review.legalApprover, at, contentHash: hash },
        dataProtection: { reviewedBy: review.dataProtectionReviewer, at, expiresAt, contentHash: hash, regimes: review.regimes },
      },
      author: 'herald',
      savedAt: at,
    };
  });
  await models.TemplateVersion.insertMany(docs);
  await models.Template.insertMany(docs);
}

export async function templateHistory(models: RegistryModels, templateId: string): Promise<TemplateVersionDoc[]> {
  const versions = await models.TemplateVersion.find({ templateId }, projection).sort({ version: 1 }).lean<TemplateVersionDoc[]>();
  if (versions.length) return versions;
  const seeded = await latestVersion(models, templateId);
  return seeded ? [seeded] : [];
}

async function insertVersion(models: RegistryModels, doc: TemplateVersionDoc): Promise<void> {
  try {
    await models.TemplateVersion.create(doc);
  } catch (err) {
    if (isDuplicateKey(err)) throw new RegistryConflict(`version ${doc.version} of ${doc.templateId} was saved by someone else first`);
    throw err;
  }
}

/**
 * Saves a new version. Creating answers a conflict when the template exists; editing names the
 * version it was made against and answers a conflict (with the current version) when that is
 * not the latest. Reviews carry over only when the wording is unchanged.
 */
export async function saveTemplate(
  models: RegistryModels,
  templateId: string,
  draft: TemplateDraft,
  opts: { author: string; at: string; baseVersion?: number },
): Promise<TemplateVersionDoc> {
  const latest = await latestVersion(models, templateId);
  if (opts.baseVersion === undefined && latest) throw new RegistryConflict(`template ${templateId} already exists`, latest);
  if (opts.baseVersion !== undefined && !latest) throw new RegistryNotFound(`template ${templateId} not found`);
  if (latest && opts.baseVersion !== latest.version) {
    throw new RegistryConflict(`version ${opts.baseVersion} is not the latest version of ${templateId} (${latest.version})`, latest);
  }
  const hash = contentHash(draft.subject, draft.body);
  const doc: TemplateVersionDoc = {
    ...draft,
    templateId,
    version: (latest?.version ?? 0) + 1,
    parent: latest?.version,
    contentHash: hash,
    review: latest && latest.contentHash === hash ? latest.review : {},
    author: opts.author,
    savedAt: opts.at,
  };
  // The seeded original becomes part of the history before its first edit.
  if (latest && latest.author === 'herald' && latest.version === 1) {
    await models.TemplateVersion.create(latest).catch((err) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }
  await insertVersion(models, doc);
  await models.Template.replaceOne({ templateId }, doc, { upsert: true });
  return doc;
}

/** Records a legal approval or data-protection review of the latest version, bound to its wording. */
export async function recordReview(
  models: RegistryModels,
  templateId: string,
  version: number,
  review: { legal: Omit<LegalApproval, 'contentHash'> } | { dataProtection: Omit<DataProtectionReview, 'contentHash'> },
): Promise<TemplateVersionDoc> {
  const latest = await latestVersion(models, templateId);
  if (!latest) throw new RegistryNotFound(`template ${templateId} not found`);
  if (latest.version !== version) {
    throw new RegistryConflict(`version ${version} is not the latest version of ${templateId} (${latest.version}); review the latest`, latest);
  }
  const bound = 'legal' in review
    ? { legal: { ...review.legal, contentHash: latest.contentHash } }
    : { dataProtection: { ...review.dataProtection, contentHash: latest.contentHash } };
  const updated: TemplateVersionDoc = { ...latest, review: { ...latest.review, ...bound } };
  await models.TemplateVersion.replaceOne({ templateId, version }, updated, { upsert: true });
  await models.Template.replaceOne({ templateId }, updated, { upsert: true });
  return updated;
}
