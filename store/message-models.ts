import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import type { NearMissKind } from '../domain/gate/near-misses';
import type { TemplateReview } from '../domain/messages/governance';
import type { VariableDeclaration } from '../domain/messages/template-schema';
import type { MessageTemplate } from '../domain/messages/templates';

/** Collections for messages' safety: template history, snippets, near misses, link clicks. */

/** What the registry adds to a template; the `templates` collection holds each template's latest version. */
export interface TemplateGovernanceFields {
  version: number;
  parent?: number;
  tags: string[];
  description?: string;
  variables: VariableDeclaration[];
  contentHash: string;
  review: TemplateReview;
  author: string;
  savedAt: string;
  /** Why this version was made and the feedback items it answers (M6.5). */
  revision?: { reason: string; answers: string[] };
}

export type TemplateVersionDoc = MessageTemplate & TemplateGovernanceFields;

export interface SnippetDoc {
  snippetId: string;
  title: string;
  text: string;
  locale: string;
  tags: string[];
  version: number;
  contentHash: string;
  updatedBy: string;
  updatedAt: string;
  /** Legal approval of exactly this wording; an edit clears it. */
  approval?: { approvedBy: string; at: string; contentHash: string };
}

export interface NearMissDoc {
  _id: string;
  /** Repeating the same report (an activity retried) finds the first one. */
  key?: string;
  incidentId: string;
  kind: NearMissKind;
  details: Record<string, unknown>;
  at: Date;
  actor?: string;
}

/**
 * One click on a tracked link (M2.6), `_id` = `${incidentId}#${channel}#${segment}#${version}#${unique}`.
 * A click is an insert, never an increment: FerretDB v1 applies `$inc` as read-modify-write and
 * loses increments under concurrent clicks even on one `_id`. Counts are summed when read.
 */
export interface LinkClickDoc {
  _id: string;
  incidentId: string;
  version: number;
  channel: string;
  segment: string;
  at: Date;
}

export const templateGovernanceFields = {
  version: Number, parent: Number,
  tags: { type: [String], default: undefined },
  description: String,
  variables: { type: [{ _id: false, name: String, required: Boolean, description: String }], default: undefined },
  contentHash: String,
  review: { type: Schema.Types.Mixed, default: undefined },
  author: String, savedAt: String,
  revision: { type: Schema.Types.Mixed, default: undefined },
};

const templateVersion = new Schema<TemplateVersionDoc>(
  {
    ...required({ templateId: String, category: String, phase: String }),
    severities: [String],
    locale: { type: String, default: 'en' },
    ...required({ subject: String, body: String }),
    ...templateGovernanceFields,
    version: { type: Number, required: true },
    review: { type: Schema.Types.Mixed, default: {} },
  },
  { minimize: false },
);
// Two saves racing for the same version number: the unique index lets exactly one win.
templateVersion.index({ templateId: 1, version: 1 }, { unique: true });

const snippet = new Schema<SnippetDoc>({
  snippetId: { type: String, required: true, unique: true },
  ...required({ title: String, text: String }),
  locale: { type: String, default: 'en' },
  tags: [String],
  ...required({ version: Number, contentHash: String }),
  updatedBy: String, updatedAt: String,
  approval: { type: { _id: false, approvedBy: String, at: String, contentHash: String }, default: undefined },
});

const nearMiss = new Schema<NearMissDoc>(
  {
    // The key is the _id: concurrent reports of one near miss (many customers of one locale)
    // collide on the primary key, which FerretDB enforces as surely as MongoDB does.
    _id: { type: String, required: true },
    key: { type: String, index: true },
    incidentId: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    details: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, required: true },
    actor: String,
  },
  { minimize: false },
);

const linkClick = new Schema<LinkClickDoc>({
  _id: { type: String, required: true },
  incidentId: { type: String, required: true, index: true },
  ...required({ version: Number, channel: String, segment: String, at: Date }),
});

export const messageCollections = {
  TemplateVersion: storedIn('template_versions', templateVersion),
  Snippet: storedIn('snippets', snippet),
  NearMiss: storedIn('near_misses', nearMiss),
  LinkClick: storedIn('link_click_events', linkClick),
};

export type MessageModels = BoundModels<typeof messageCollections>;
