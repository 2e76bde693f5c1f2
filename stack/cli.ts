import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoApiKeys } from '../config/api-keys';
import { startDemoReceiver } from './demo-receiver';
import { startStack, type Stack } from './env';
import { exportLines } from './env-file';
import { preferredPort } from './ports';
import { describeExit, spawnManaged, type ManagedProcess } from './processes';

const root = path.resolve(__dirname, '..');
const usage = `usage: node scripts/herald.mjs <command>
  start                 the whole service with persistent data in ./data
  test [jest args...]   jest against a throwaway stack, lint and typecheck beside it (HERALD_LINT=0 skips them)
  bench [name]          bench/run.ts against a throwaway stack
  screenshots           docs/*.png of the status page and the dashboard (scripts/screenshots.ts)
  stack                 a throwaway stack; prints its environment as export lines`;

/** `npm <args>`, with the npm that started us when there is one. */
function npm(args: string[]): [string, string[]] {
  const cli = process.env.npm_execpath;
  return cli?.endsWith('.js') ? [process.execPath, [cli, ...args]] : ['npm', args];
}

const tsx = (script: string, args: string[] = []): [string, string[]] => [process.execPath, ['--import', 'tsx', script, ...args]];

/**
 * Runs a command in the foreground and resolves with its exit code. Our signals are forwarded,
 * so that `kill` of the CLI ends the child and then the stack, in that order. With `output`, the
 * child's stdout and stderr go there instead of the terminal (for commands that run beside others).
 */
function runForeground([command, args]: [string, string[]], env: NodeJS.ProcessEnv = process.env, output?: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    child.stdout?.on('data', (chunk: Buffer) => output!.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output!.push(chunk.toString()));
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const signal of signals) process.on(signal, forward);
    const done = (code: number) => {
      for (const signal of signals) process.off(signal, forward);
      resolve(code);
    };
    child.once('error', (error) => {
      console.error(`cannot run ${command}: ${error.message}`);
      done(1);
    });
    child.once('exit', (code, signal) => done(code ?? (signal ? 128 + os.constants.signals[signal] : 1)));
  });
}

/** Settles on the first signal; keeps the default "die at once" from applying meanwhile. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => resolve(signal));
  });
}

/**
 * Settles with a message when any of the processes exits unasked. A terminal's Ctrl-C reaches
 * the children as well as us, so an exit is only a death if we are not stopping shortly after.
 */
function firstDeath(processes: ManagedProcess[], stopping: () => boolean): Promise<string> {
  return new Promise((resolve) => {
    for (const p of processes) {
      void p.exited.then((exit) => {
        setTimeout(() => {
          if (!p.isStopping() && !stopping()) resolve(`${p.name} ${describeExit(exit)}`);
        }, 500);
      });
    }
  });
}

async function withTestStack(stackStarting: Promise<Stack>, command: [string, string[]]): Promise<number> {
  const stack = await stackStarting;
  try {
    return await runForeground(command, { ...process.env, ...stack.env });
  } finally {
    await stack.stop();
  }
}

/** "4 min 12 s", "38 s". */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

/**
 * Jest against a throwaway stack, with lint and typecheck running beside the servers' start and
 * jest (a minute of CPU between them, which jest's waits on its servers leave room for); their
 * output and verdict come after jest's. Ends with the wall time of the whole command.
 */
async function test(jestArgs: string[]): Promise<number> {
  // scripts/herald.mjs says when `npm test` started and how long it spent installing.
  const startedAt = Number(process.env.HERALD_STARTED_AT) || Date.now();
  const installMs = Number(process.env.HERALD_INSTALL_MS) || 0;
  const since = (t: number) => Date.now() - t;
  const stackStart = Date.now();
  const stackStarting = startStack({ mode: 'test' });
  stackStarting.catch(() => undefined); // awaited below; this only silences the early rejection
  const checks = (process.env.HERALD_LINT === '0' ? [] : ['lint', 'typecheck']).map(async (script) => {
    const output: string[] = [];
    const t = Date.now();
    // At the lowest priority: they take the CPU that jest's files leave while they wait on servers.
    const [command, args] = npm(['run', '--silent', script]);
    const code = await runForeground(fs.existsSync('/usr/bin/nice') ? ['/usr/bin/nice', ['-n', '19', command, ...args]] : [command, args], process.env, output);
    return { script, code, output: output.join(''), ms: since(t) };
  });
  const phases: string[] = [`install ${duration(installMs)}`];
  let code = 1;
  try {
    const stack = await stackStarting.finally(() => phases.push(`tools and servers ${duration(since(stackStart))}`));
    const jestStart = Date.now();
    try {
      code = await runForeground([process.execPath, [path.join('node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs]], { ...process.env, ...stack.env });
    } finally {
      phases.push(`jest ${duration(since(jestStart))}`);
      await stack.stop();
    }
  } finally {
    for (const check of await Promise.all(checks)) {
      if (check.output.trim()) process.stdout.write(`\n--- npm run ${check.script} ---\n${check.output}`);
      if (check.code !== 0) console.error(`npm run ${check.script} failed (HERALD_LINT=0 skips lint and typecheck)`);
      phases.push(`${check.script} ${duration(check.ms)}`);
      if (code === 0) code = check.code;
    }
    console.log(`npm test: ${duration(since(startedAt))} wall time (${phases.join(', ')})`);
  }
  return code;
}

async function bench(args: string[]): Promise<number> {
  return withTestStack(startStack({ mode: 'test' }), tsx(path.join('bench', 'run.ts'), args));
}

/** scripts/screenshots.ts is a jest file outside the suite's testMatch: it takes the suite's harness and browser. */
async function screenshots(): Promise<number> {
  const jest = [path.join('node_modules', 'jest', 'bin', 'jest.js'), '--testMatch', '<rootDir>/scripts/screenshots.ts'];
  return withTestStack(startStack({ mode: 'test' }), [process.execPath, jest]);
}

async function stack(): Promise<number> {
  const signal = untilSignal();
  const stack = await startStack({ mode: 'test' });
  console.log(exportLines(stack.env));
  console.error('stack is up; Ctrl-C stops it');
  let stopping = false;
  const death = await Promise.race([signal.then(() => undefined), firstDeath(stack.processes, () => stopping)]);
  stopping = true;
  if (death) console.error(`${death}; stopping`);
  await stack.stop();
  return death ? 1 : 0;
}

async function waitForHealth(url: string, givenUp: () => boolean, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!givenUp() && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function start(): Promise<number> {
  const startedAt = Date.now();
  const signal = untilSignal();
  const dataDir = path.join(root, 'data');
  const stack = await startStack({ mode: 'dev', dataDir });
  const port = process.env.HERALD_PORT ? Number(process.env.HERALD_PORT) : await preferredPort(8080);
  const publicUrl = process.env.HERALD_PUBLIC_URL ?? `http://127.0.0.1:${port}`;
  // The demo customers' webhook endpoint; the seed points their endpoints at it.
  const hooks = await startDemoReceiver(await preferredPort(8090));
  // The API and the worker write through pipes: they log pretty lines when this terminal would show them.
  const pretty = process.env.HERALD_LOG_PRETTY ?? (process.stdout.isTTY ? '1' : '0');
  const env = { ...process.env, ...stack.env, HERALD_PORT: String(port), HERALD_PUBLIC_URL: publicUrl, HERALD_DEMO_WEBHOOKS_URL: hooks.url, HERALD_LOG_PRETTY: pretty };

  const children: ManagedProcess[] = [];
  let stopping = false;
  // Commands run beside it (`herald drill run`, `npm run drill`) read the servers from this file.
  const envFile = path.join(dataDir, 'stack.env');
  fs.writeFileSync(envFile, `${exportLines(stack.env)}\n`);
  const stopAll = async () => {
    stopping = true;
    fs.rmSync(envFile, { force: true });
    await Promise.all(children.map((c) => c.stop()));
    await hooks.close();
    await stack.stop();
  };

  if (fs.existsSync(path.join(root, 'scripts', 'seed.ts'))) {
    const code = await runForeground(tsx(path.join('scripts', 'seed.ts')), env);
    if (code !== 0) {
      console.error(`seeding failed with code ${code}`);
      await stopAll();
      return 1;
    }
  }
  for (const [name, script] of [['worker', 'workers/main.ts'], ['api', 'api/main.ts']]) {
    const [command, args] = tsx(script);
    children.push(spawnManaged(name, command, args, { cwd: root, env }));
  }
  const death = firstDeath([...children, ...stack.processes], () => stopping);
  const ended = Promise.race([signal.then(() => 'signal'), death]);
  let outcome: string | undefined;
  void ended.then((o) => (outcome = o));

  if (await waitForHealth(`http://127.0.0.1:${port}/healthz`, () => outcome !== undefined)) {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const keys = demoApiKeys.map((k) => `    ${k.key.padEnd(20)} ${k.name} (${k.roles.join(', ')})`).join('\n');
    console.log(`
Herald is ready in ${seconds}s (data in ${path.relative(process.cwd(), dataDir) || '.'}/, Ctrl-C stops everything)
  API          ${publicUrl}
  Status page  ${publicUrl}/status
  Dashboard    ${publicUrl}/dashboard?key=demo-executive-key (the executive dashboard; the key becomes a cookie)
  OpenAPI      ${publicUrl}/openapi.json
  Temporal UI  ${stack.urls.temporalUi ?? `(external Temporal at ${stack.urls.temporal})`}
  Mailpit      ${stack.urls.mailpit ?? '(external SMTP, no Mailpit)'}
  Webhooks     ${hooks.url}/hooks/<customer> (what the demo customers' endpoints received, verified)
  Drills       npm run drill -- drills/data-breach-eu-us.yaml (the servers from ${path.relative(process.cwd(), envFile)})
  Demo API keys (Authorization: Bearer <key>):
${keys}
`);
    outcome = await ended;
  }
  outcome ??= `the API did not answer GET /healthz on port ${port}`;
  if (outcome !== 'signal') console.error(`${outcome}; stopping everything`);
  await stopAll();
  return outcome === 'signal' ? 0 : 1;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'test':
      return test(args);
    case 'bench':
      return bench(args);
    case 'screenshots':
      return screenshots();
    case 'stack':
      return stack();
    case 'start':
      return start();
    default:
      console.error(usage);
      return command ? 2 : 0;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
