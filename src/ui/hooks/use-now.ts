import { useEffect, useState } from 'react';

/** The wall clock, ticking once a second while `active` (a running ledger-tool's elapsed time). */
export function useNow(active: boolean, clock: () => number = Date.now): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (!active) return;
    setNow(clock());
    const timer = setInterval(() => setNow(clock()), 1000);
    return () => clearInterval(timer);
  }, [active, clock]);
  return now;
}
