import { defineUpdate } from '@temporalio/workflow';
import type { FilingRequest, RegulatoryClockView, StartClockRequest, StartedClock } from './regulatory';

/** The Updates of regulatory clocks (X3), apart from ./regulatory so that the incident's aggregate loads without the workflow runtime. */
export const startRegulatoryClockUpdate = defineUpdate<StartedClock, [StartClockRequest]>('startRegulatoryClock');
export const recordFilingUpdate = defineUpdate<RegulatoryClockView, [FilingRequest]>('recordRegulatoryFiling');
