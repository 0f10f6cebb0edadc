/** The signed-in user and a sign-out button (the cloud console only), or why signing in failed. */
export function SessionBar({ user, onSignOut }: { user: string; onSignOut: () => void }) {
  return (
    <section
      aria-label="session"
      style={{ position: 'fixed', top: 6, right: 12, display: 'flex', gap: 8, alignItems: 'center', zIndex: 10 }}
    >
      <span>{user}</span>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </section>
  );
}

export function SignInProblem({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <main>
      <h1>orca console</h1>
      <p role="alert">{message}</p>
      <button type="button" onClick={onRetry}>
        Sign in again
      </button>
    </main>
  );
}
