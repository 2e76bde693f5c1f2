import { NativeConnection, Worker } from '@temporalio/worker';

export const baselineActivities = {
  async noop(): Promise<string> {
    return 'ok';
  },
};

/** A worker for bench/noop-workflow.ts alone, on its own task queue. */
export async function startBaselineWorker(temporalAddress: string, taskQueue: string, opts: { debugMode?: boolean } = {}) {
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection, taskQueue, activities: baselineActivities, workflowsPath: require.resolve('./noop-workflow'), debugMode: opts.debugMode,
  });
  const running = worker.run();
  return {
    worker,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
