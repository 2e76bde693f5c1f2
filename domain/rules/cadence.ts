import type { Severity } from '../incident';
import type { Playbook } from '../playbooks/schema';

/** The update interval in force for an update published at the given minute from detection. */
export function cadenceIntervalMinutes(playbook: Playbook, severity: Severity, minutesSinceDetection: number): number {
  const { intervals } = playbook.cadence[severity];
  const current = intervals.find((i) => i.untilMinute === undefined || minutesSinceDetection < i.untilMinute);
  // The schema makes the last interval open-ended, so `current` always exists for a valid playbook.
  return (current ?? intervals[intervals.length - 1]).everyMinutes;
}

/**
 * When the next update is due, in minutes from detection, after an update published at
 * `minutesSinceDetection`: the interval in force at publication decides, so every external
 * update can state when the next one will come.
 */
export function nextUpdateDueMinutes(playbook: Playbook, severity: Severity, minutesSinceDetection: number): number {
  return minutesSinceDetection + cadenceIntervalMinutes(playbook, severity, minutesSinceDetection);
}

/** How many minutes before an update is due the communication lead is reminded. */
export function reminderOffsetMinutes(playbook: Playbook, severity: Severity): number {
  return playbook.cadence[severity].reminderMinutesBefore;
}
