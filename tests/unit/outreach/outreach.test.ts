import { assignmentEmail, completionUrl, escalationEmail, isOverdue, outreachMessageId, outreachTaskId, type OutreachTask } from '../../../domain/outreach';

const task: OutreachTask = {
  id: outreachTaskId('INC-7', 'acme'), incidentId: 'INC-7', customerId: 'acme', customerName: 'Acme Corp', tier: 'enterprise',
  phone: '+14155550100', accountManager: { name: 'Dana Whitfield', email: 'dana@herald.example' }, version: 2,
  talkingPoints: { subject: 'Payments are failing', text: 'Some card payments fail.\nNext update in 30 minutes.' },
  createdAt: '2024-05-01T10:00:00.000Z', dueAt: '2024-05-01T10:30:00.000Z', status: 'open',
};

describe('direct outreach tasks (pure)', () => {
  it('[M3.5] identifies a task by incident and account, and is overdue only while not done past its deadline', () => {
    expect(task.id).toBe('INC-7#acme');
    expect(isOverdue(task, new Date('2024-05-01T10:29:59Z'))).toBe(false);
    expect(isOverdue(task, new Date('2024-05-01T10:30:00Z'))).toBe(true);
    expect(isOverdue({ ...task, status: 'escalated' }, new Date('2024-05-01T11:00:00Z'))).toBe(true);
    expect(isOverdue({ ...task, status: 'done' }, new Date('2024-05-01T11:00:00Z'))).toBe(false);
    expect(outreachMessageId(task, 'assigned', 'herald.test')).toBe('<INC-7.outreach-assigned.acme@herald.test>');
    expect(completionUrl('https://herald.example/', task)).toBe('https://herald.example/v1/incidents/INC-7/outreach/acme/complete');
  });

  it('[M3.5] gives the account manager the customer, phone, deadline, talking points and completion URL', () => {
    const url = completionUrl('https://herald.example', task);
    const assigned = assignmentEmail(task, 'Checkout errors', url);
    expect(assigned.subject).toBe('[Outreach] Call Acme Corp about Checkout errors by 2024-05-01T10:30:00.000Z');
    for (const part of ['Hello Dana Whitfield,', '+14155550100', '2024-05-01T10:30:00.000Z', 'Payments are failing', '  Next update in 30 minutes.', `POST ${url}`]) {
      expect(assigned.text).toContain(part);
    }
    const escalated = escalationEmail({ ...task, phone: undefined }, url);
    expect(escalated.subject).toBe('[Outreach overdue] Acme Corp has not been called about incident INC-7');
    expect(escalated.text).toContain('Account manager: Dana Whitfield <dana@herald.example>');
    expect(escalated.text).toContain('Phone: no phone number on record');
  });
});
