/** One check of `orca doctor`: what was found and, when it failed, what to do. */
export interface Check {
  name: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** What to do, when it failed. */
  fix?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs a check: what it returns is the detail; what it throws is the problem, with its fix. */
export async function check(name: string, run: () => Promise<string>, fix: string): Promise<Check> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (e) {
    return { name, ok: false, detail: message(e), fix };
  }
}

export function must(condition: unknown, problem: string): asserts condition {
  if (!condition) throw new Error(problem);
}
