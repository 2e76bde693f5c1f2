/** Reads until `ok` holds (every 200 ms, about a minute at most); the error shows the last reading. */
export async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`never saw ${what}: ${JSON.stringify(await read()).slice(0, 1500)}`);
}
