/**
 * Which element is a page's root composition: one rule for the model (lint, info, render settings), the
 * preview's composition list and the in-page runtime. Candidates are the elements with data-composition-id
 * outside any <template>, in document order: the one marked data-root="true", else the first that is not
 * inside another candidate, else the first. Import-free, so the browser runtime can use it.
 */
export interface RootCandidateFacts<E> {
  /** carries data-root="true" */
  flagged(e: E): boolean;
  /** inside another candidate */
  nested(e: E): boolean;
}

export function pickRoot<E>(candidates: readonly E[], facts: RootCandidateFacts<E>): E | undefined {
  return candidates.find((e) => facts.flagged(e)) ?? candidates.find((e) => !facts.nested(e)) ?? candidates[0];
}
