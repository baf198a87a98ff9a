/**
 * Run `task` every `intervalMs` without keeping the process alive; a failing run goes to `onError` and the
 * next run happens as planned. Returns the function that stops it.
 */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  const timer = setInterval(() => void task().catch(onError), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
