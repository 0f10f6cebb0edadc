/** An error shown where it happened, with the API's message (never a blank page). */
import { ApiFailure, messageOf } from '../api.js';

export function Problem({ error, what }: { error: unknown; what?: string }) {
  if (!error) return null;
  const status = error instanceof ApiFailure && error.status ? ` (${error.status})` : '';
  return (
    <p role="alert" className="problem">
      {what ? `${what}: ` : ''}
      {messageOf(error)}
      {status}
    </p>
  );
}
