/** Shared by the adapters: any object, the page's window, and a warning given once per instance. */
export type AnyObj = Record<string, any>;
export const W = window as any;
export type WarnOnce = (obj: object, message: string) => void;

/** `window.__hfX` as a list: an array of instances, a single instance, or nothing. */
export function registry(v: unknown): AnyObj[] {
  if (Array.isArray(v)) return v.filter((x) => x && typeof x === "object");
  return v && typeof v === "object" ? [v as AnyObj] : [];
}
