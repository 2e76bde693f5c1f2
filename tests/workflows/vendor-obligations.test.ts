import { WorkflowUpdateFailedError } from '@temporalio/client';
import { assessObligations, VendorSchema } from '../../domain/vendors';
import { incidentStateQuery } from '../../workflows/messages';
import { obligationDoneUpdate, recordVendorUpdate, sendObligationNoticeUpdate } from '../../workflows/vendor-messages';
import { saveHistoryFixture } from '../support/history-fixtures';
import { isPublished, minute, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

const t = timeSkippingSuite();

describe('vendor obligations on the time-skipping server', () => {
  it('[M5.4] tracks what a contributing vendor obliges: a DPA notice sent as evidence, one met by hand, one unmet escalating to owner and lead at its deadline', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle } = await t.declare(taskQueue, 'SEV3', isPublished);
      const vendor = VendorSchema.parse({
        vendorId: 'quickmail', name: 'Quickmail Relay', subProcessor: true,
        contract: { vendorNotifiesUsWithinHours: 1, weNotifyVendorWithinHours: 2, customerNoticeWithinHours: 3, publicNaming: 'forbidden', clause: 'Quickmail MSA §4' },
        contacts: [{ name: 'Quickmail security', email: `security@${t.domain}` }],
      });
      const specs = assessObligations(vendor, [{ customerId: 'dpa-co', name: 'DPA Co', emails: [`privacy@${t.domain}`], subProcessors: ['quickmail'] }]);
      const recordedAt = await t.env.currentTimeMs();
      const recorded = await handle.executeUpdate(recordVendorUpdate, {
        args: [{ vendor: { vendorId: 'quickmail', name: 'Quickmail Relay', subProcessor: true, publicNaming: 'forbidden' }, obligations: specs.map((o) => ({ ...o, customerName: 'DPA Co' })), by: 'lead', note: 'Their relay dropped mail.' }],
      });
      expect(recorded.obligations.map((o) => [o.obligationId, o.kind, o.withinHours])).toEqual([
        ['quickmail-dpa-dpa-co', 'sub-processor-notice', 3],
        ['quickmail-to-vendor', 'notice-to-vendor', 2],
        ['quickmail-from-vendor', 'notice-from-vendor', 1],
      ]);
      for (const o of recorded.obligations) expect(Date.parse(o.dueAt) - recordedAt).toBeGreaterThanOrEqual(o.withinHours * 60 * minute - 1000);
      const again = await handle.executeUpdate(recordVendorUpdate, { args: [{ vendor: { vendorId: 'quickmail', name: 'Quickmail Relay', subProcessor: true, publicNaming: 'forbidden' }, obligations: [], by: 'lead' }] }).catch((e) => e);
      expect((again as WorkflowUpdateFailedError).cause?.message).toMatch(/recorded on this incident already/);

      // The DPA customer's notice, sent by Herald: its delivery is the evidence.
      await handle.executeUpdate(sendObligationNoticeUpdate, { args: [{ obligationId: 'quickmail-dpa-dpa-co', by: 'lead' }] });
      const sent = await waitFor(() => handle.query(incidentStateQuery), (s) => s.vendors?.obligations[0].state === 'met', 'the DPA notice met');
      expect(sent.vendors!.obligations[0].evidence!.deliveries!.map((d) => d.to)).toEqual([`privacy@${t.domain}`]);
      const [notice] = await t.mailpit.waitFor(t.domain, (m) => m.some((x) => x.Subject.startsWith('Sub-processor notice: Quickmail Relay')));
      expect(notice.To.map((x) => x.Address)).toEqual([`privacy@${t.domain}`]);
      expect(await t.mailpit.text(notice.ID)).toContain('Quickmail Relay, a sub-processor it names, contributed to incident');

      await handle.executeUpdate(obligationDoneUpdate, { args: [{ obligationId: 'quickmail-to-vendor', evidence: { summary: 'Called their NOC', reference: 'QM-123' }, by: 'lead' }] });

      // Nobody obtained the vendor's own notice: it escalates at its one-hour deadline.
      await t.env.sleep(61 * minute);
      const late = await waitFor(() => handle.query(incidentStateQuery), (s) => s.vendors?.obligations[2].state === 'overdue', 'the unmet obligation escalated');
      const [toVendor, fromVendor] = late.vendors!.obligations.slice(1);
      expect(toVendor).toMatchObject({ state: 'met', late: false, evidence: { summary: 'Called their NOC', reference: 'QM-123', by: 'lead' } });
      expect(Math.abs(Date.parse(fromVendor.escalatedAt!) - Date.parse(fromVendor.dueAt))).toBeLessThan(1000);
      const timer = late.deadlines.find((d) => d.id === fromVendor.deadlineId)!;
      expect(timer.state).toBe('missed');
      const escalation = await waitFor(() => t.mailpit.search(`subject:"vendor obligation overdue" ${input.id}`), (m) => m.length >= 1, 'the escalation notice');
      expect(escalation[0].Subject).toContain("Obtain Quickmail Relay's incident notice");
      const met = await handle.executeUpdate(obligationDoneUpdate, { args: [{ obligationId: 'quickmail-from-vendor', evidence: { summary: 'Their notice arrived' }, by: 'lead' }] });
      expect(met).toMatchObject({ state: 'met', late: true });
      const twice = await handle.executeUpdate(obligationDoneUpdate, { args: [{ obligationId: 'quickmail-from-vendor', evidence: { summary: 'again' }, by: 'lead' }] }).catch((e) => e);
      expect((twice as WorkflowUpdateFailedError).cause?.message).toMatch(/was met at/);
      await handle.terminate('test over');
      await saveHistoryFixture('vendor-obligations-escalation', handle);
    });
  }, 120_000);
});
