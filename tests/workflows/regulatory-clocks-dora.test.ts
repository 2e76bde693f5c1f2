import { regulatoryClockCases } from '../support/regulatory-clocks';


// [X3] DORA (initial notification 4 h after classification, at most 24 h after awareness) and the GDPR processor (no fixed deadline: no timer).
regulatoryClockCases([
  { regime: 'dora' },
  { regime: 'gdpr-processor' },
]);
