/**
 * `promise`'s value, or undefined when it takes longer than `ms`: how a `stop` waits for work in progress
 * without waiting for a statement stuck on a silent database link (the database's close ends it next).
 * The timer does not outlive the wait.
 */
export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
