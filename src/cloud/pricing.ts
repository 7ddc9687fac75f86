/**
 * Cost estimate for a cloud render. HeyGen bills per minute of output; the rate scales with resolution
 * and fps (HeyGen docs, "Pricing" → HyperFrames): 1080p/30 0.10, 1080p/60 0.20, 4K/30 0.15, 4K/60 0.30
 * per minute. Frame rates up to 30 use the 30 fps rate, up to 60 the 60 fps rate; above 60 the 60 fps rate
 * is scaled linearly (an estimate: the price list stops at 60).
 */
export const RATES_PER_MINUTE = {
  "1080p": { 30: 0.1, 60: 0.2 },
  "4k": { 30: 0.15, 60: 0.3 },
} as const;

export interface CostEstimate {
  minutes: number;
  ratePerMinute: number;
  cost: number;
  resolution: "1080p" | "4k";
  fps: number;
}

export function estimateCost(durationSeconds: number, fps = 30, resolution: "1080p" | "4k" = "1080p"): CostEstimate {
  const r = RATES_PER_MINUTE[resolution];
  const rate = fps <= 30 ? r[30] : fps <= 60 ? r[60] : (r[60] * fps) / 60;
  const minutes = Math.max(0, durationSeconds) / 60;
  return { minutes, ratePerMinute: rate, cost: minutes * rate, resolution, fps };
}

export function formatCost(e: CostEstimate): string {
  const cost = e.cost < 0.01 && e.cost > 0 ? e.cost.toFixed(4) : e.cost.toFixed(2);
  return `$${cost} (${(e.minutes * 60).toFixed(1)} s of ${e.resolution === "4k" ? "4K" : "1080p"} at ${e.fps} fps, $${e.ratePerMinute.toFixed(2)} per output minute)`;
}
