/**
 * The rules a playbook sets in motion: escalation criteria, the approval
 * matrix, channel selection, update cadence, role deadlines and technical reviewers. Pure and
 * zod-free: the incident workflow imports them.
 */
export * from './approvals';
export * from './cadence';
export * from './channels';
export * from './criteria';
export * from './deadlines';
export * from './escalation';
export * from './reviewers';
