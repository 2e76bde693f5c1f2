import type { MessageMetadata } from '../messages';

/**
 * The words of a DPA notice (M5.4): what a customer whose data-processing agreement names a
 * sub-processor is told when that sub-processor contributed to an incident. The notice names the
 * vendor (the agreement already does), so it is a contractual notice to that customer, not a
 * public message.
 */
export function subProcessorNotice(n: { incidentId: string; incidentTitle: string; customerName: string; vendorName: string; clause: string }): { subject: string; text: string } {
  return {
    subject: `Sub-processor notice: ${n.vendorName} and incident ${n.incidentId}`,
    text: [
      `Dear ${n.customerName},`,
      '',
      `Under our data-processing agreement with you (${n.clause}) we let you know that ${n.vendorName}, a sub-processor it names, contributed to incident ${n.incidentId} ("${n.incidentTitle}").`,
      'We are working with them on it and will tell you what it means for your data as soon as we know.',
      '',
      'Reply to this email with any question about the notice.',
    ].join('\n'),
  };
}

/** The delivery channel, key suffix and Message-ID base of one obligation's notice. */
export function obligationNoticeMeta(meta: Omit<MessageMetadata, 'version'>, obligationId: string): { channel: string; meta: MessageMetadata } {
  return { channel: `dpa-notice:${obligationId}`, meta: { ...meta, incidentId: `${meta.incidentId}.dpa-${obligationId}`, version: 0 } };
}

/** The internal notice of an obligation unmet at its deadline: to its owner and the communication lead. */
export function obligationOverdueNotice(
  i: { id: string; title: string; severity: string },
  o: { obligationId: string; description: string; clause: string; dueAt: string; owner: string; kind: string },
): { subject: string; text: string } {
  const how = o.kind === 'sub-processor-notice'
    ? `Send it with POST /v1/incidents/${i.id}/obligations/${o.obligationId}/send, or record how it was met`
    : 'Record how it was met';
  return {
    subject: `[${i.severity}] ${i.id}: vendor obligation overdue: ${o.description}`,
    text: [
      `The obligation "${o.description}" (${o.clause}) of incident ${i.id} ("${i.title}") was due at ${o.dueAt} and is not met.`,
      `Owner: ${o.owner}.`,
      `${how} with POST /v1/incidents/${i.id}/obligations/${o.obligationId}/done and its evidence.`,
    ].join('\n'),
  };
}
