import { describe, expect, it } from "vitest";
import { resumeTime } from "../src/resume-time.js";
import { HOUR, MINUTE, START } from "./helpers.js";

const NOW = START.getTime();
const SAVED_AT = "2026-03-01T12:00:00.000Z";
const WALL = Date.parse(SAVED_AT);

describe("resumeTime", () => {
  it("adds the downtime, scaled by timeScale", () => {
    expect(resumeTime({ now: NOW, savedAt: SAVED_AT }, WALL + 2 * MINUTE, 1)).toBe(NOW + 2 * MINUTE);
    expect(resumeTime({ now: NOW, savedAt: SAVED_AT }, WALL + 1000, 60)).toBe(NOW + MINUTE);
    // Virtual time stays in whole ms.
    expect(resumeTime({ now: NOW, savedAt: SAVED_AT }, WALL + 3, 0.5)).toBe(NOW + 1);
  });

  it("reads a save time written with a UTC offset", () => {
    expect(resumeTime({ now: NOW, savedAt: "2026-03-01T20:00:00.000+08:00" }, WALL + HOUR, 1)).toBe(
      NOW + HOUR,
    );
  });

  it("resumes at the saved time with a frozen clock, without a save time, or with a save time in the future", () => {
    expect(resumeTime({ now: NOW, savedAt: SAVED_AT }, WALL + HOUR, 0)).toBe(NOW);
    expect(resumeTime({ now: NOW }, WALL + HOUR, 1)).toBe(NOW);
    expect(resumeTime({ now: NOW, savedAt: SAVED_AT }, WALL - HOUR, 1)).toBe(NOW);
  });
});
