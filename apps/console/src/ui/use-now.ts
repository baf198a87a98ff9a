import { useEffect, useState } from "react";

/**
 * The time (epoch ms), renewed every `intervalMs` while `running` (a talk time counting up); frozen otherwise, so
 * a page with nothing to count re-renders for nothing.
 */
export function useNow(intervalMs: number, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, running]);
  return now;
}
