export * from './approvals';
export * from './cadence';
export * from './channels';
export * from './criteria';
export * from './deadlines';
export * from './escalation';
export * from './reviewers';
