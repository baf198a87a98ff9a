// The server's side of a profiled step: V8's sampling profiler over the inspector protocol, started and
// stopped on the orchestrator's request, summarised here so that only a few lines cross the IPC channel.
import { Session } from "node:inspector/promises";
import { type CpuProfile, type ProfileSummary, summariseProfile } from "./profile-summary.js";

let session: Session | undefined;

/** Start sampling this process's main thread every `intervalUs` µs. */
export async function startCpuProfile(intervalUs = 1000): Promise<void> {
  if (session) throw new Error("a CPU profile is already running");
  const s = new Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.setSamplingInterval", { interval: intervalUs });
  await s.post("Profiler.start");
  session = s;
}

/** Stop sampling and summarise what was sampled. */
export async function stopCpuProfile(): Promise<ProfileSummary> {
  const s = session;
  if (!s) throw new Error("no CPU profile is running");
  session = undefined;
  try {
    const { profile } = (await s.post("Profiler.stop")) as { profile: CpuProfile };
    return summariseProfile(profile);
  } finally {
    s.disconnect();
  }
}
