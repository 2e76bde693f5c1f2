import { ApplicationFailure } from '@temporalio/activity';
import type { Category, Severity } from '../domain/incident';
import { selectPlaybook, type Playbook, type ScopeTier } from '../domain/playbooks';
import { technicalReviewers } from '../domain/rules';
import { currentPlaybooks } from '../store/playbooks';
import type { ActivityDeps } from './deps';

export interface ResolvedPlaybook {
  id: string;
  version: number;
  body: Playbook;
  /** The communication owners of the service domains the incident touches (M7.4). */
  reviewers: string[];
}

export function createPlaybookActivities({ store }: ActivityDeps) {
  return {
    /**
     * The playbook version an incident starts with; the workflow keeps this snapshot, so later
     * edits of the playbook do not change a running incident.
     */
    async resolvePlaybook(q: { category: Category; severity: Severity; scope: ScopeTier; components?: string[] }): Promise<ResolvedPlaybook> {
      const stored = await currentPlaybooks(store);
      const chosen = selectPlaybook(stored.map((s) => s.playbook), q) ?? stored.map((s) => s.playbook).find((p) => p.category === q.category);
      if (!chosen) throw ApplicationFailure.nonRetryable(`no playbook for category ${q.category}`, 'NoPlaybook');
      const version = stored.find((s) => s.playbook.id === chosen.id)!.version;
      const components = q.components?.length
        ? await store.models.Component.find({ componentId: { $in: q.components } }, { componentId: 1, service: 1 }).lean()
        : [];
      const reviewers = technicalReviewers(chosen, components.map((c) => ({ componentId: c.componentId, service: c.service })));
      return { id: chosen.id, version, body: chosen, reviewers: [...new Set(reviewers.map((r) => r.reviewer))] };
    },
  };
}
