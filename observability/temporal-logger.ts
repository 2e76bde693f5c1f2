import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { incidentFields } from './incident-fields';
import type { Logger } from './log';

const levels: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/**
 * The Temporal SDK's logger (Runtime.install({ logger })) writing through Herald's: the worker's
 * own lines (lifecycle, activity and workflow task failures, workflow `log` calls, core warnings)
 * become JSON lines like every other, with incidentId and workflowId bound from the SDK's metadata.
 */
export class TemporalPinoLogger implements TemporalLogger {
  constructor(private readonly out: Logger) {}

  log(level: TemporalLogLevel, message: string, meta: LogMetadata = {}): void {
    // Task tokens identify an attempt to Temporal alone: long, and nothing a reader can use.
    const { workflowId, runId, workflowRunId, taskToken: _taskToken, ...rest } = meta as Record<string, unknown>;
    const run = runId ?? workflowRunId;
    this.out[levels[level]]({ ...rest, ...(typeof workflowId === 'string' ? incidentFields(workflowId) : {}), ...(run ? { runId: run } : {}) }, message);
  }

  trace(message: string, meta?: LogMetadata) { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata) { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata) { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata) { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata) { this.log('ERROR', message, meta); }
}
