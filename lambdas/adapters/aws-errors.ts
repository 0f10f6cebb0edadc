/** Whether an AWS SDK error is one of these (by name: it also holds across SDK copies and mocks). */
export function isAwsError(e: unknown, ...names: string[]): boolean {
  return names.includes((e as { name?: string } | null)?.name ?? '');
}
