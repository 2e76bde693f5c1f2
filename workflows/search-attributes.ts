import { defineSearchAttributeKey, type SearchAttributePair, type SearchAttributeUpdatePair, type TypedSearchAttributes } from '@temporalio/common';
import type { IncidentSummary } from '../domain/incident/summary';

/**
 * The custom search attributes that make incidents findable in the Temporal Web UI and CLI
 * (`HeraldSeverity="SEV1" AND HeraldStatus="awaiting-approval"`): set when an incident's workflow
 * starts and upserted by it when they change. A server must know them: the stack registers them
 * when it starts the dev server; other servers register them once (see the README).
 */
export const searchAttributeKeys = {
  incidentId: defineSearchAttributeKey('HeraldIncidentId', 'KEYWORD'),
  severity: defineSearchAttributeKey('HeraldSeverity', 'KEYWORD'),
  category: defineSearchAttributeKey('HeraldCategory', 'KEYWORD'),
  status: defineSearchAttributeKey('HeraldStatus', 'KEYWORD'),
  components: defineSearchAttributeKey('HeraldComponents', 'KEYWORD_LIST'),
  lead: defineSearchAttributeKey('HeraldLead', 'KEYWORD'),
  drill: defineSearchAttributeKey('HeraldDrill', 'BOOL'),
};

type Searchable = Pick<IncidentSummary, 'id' | 'severity' | 'category' | 'status' | 'components' | 'drill'> & { lead?: string };

/** An incident's search attributes; one without a lead yet (at its start) has no HeraldLead. */
export function searchAttributesFor(x: Searchable): SearchAttributePair[] {
  const k = searchAttributeKeys;
  return [
    { key: k.incidentId, value: x.id },
    { key: k.severity, value: x.severity },
    { key: k.category, value: x.category },
    { key: k.status, value: x.status },
    { key: k.components, value: [...x.components] },
    ...(x.lead ? [{ key: k.lead, value: x.lead }] : []),
    { key: k.drill, value: x.drill },
  ];
}

/** The attributes whose value differs from what the workflow carries now: what an upsert must send. */
export function changedSearchAttributes(wanted: SearchAttributePair[], current: TypedSearchAttributes): SearchAttributeUpdatePair[] {
  return wanted.filter((p) => JSON.stringify(current.get(p.key)) !== JSON.stringify(p.value));
}
