/**
 * Commands are registered with their options from cheap modules only; what a command does is
 * imported when it runs. `orca --help`, `orca <command> --help` and `orca validate` so load
 * neither DuckDB, nor dynalite, nor the AWS SDK, nor the local Step Functions runner.
 */
export function lazy<A extends unknown[]>(
  load: () => Promise<(...args: A) => void | Promise<void>>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const action = await load();
    await action(...args);
  };
}
