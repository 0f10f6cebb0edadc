/** Where an unsaved working copy is kept (localStorage) until it is saved or discarded. */
export const draftKey = (campaignId: string): string => `orca.draft.${campaignId}`;

export function hasDraft(campaignId: string): boolean {
  try {
    return localStorage.getItem(draftKey(campaignId)) !== null;
  } catch {
    return false;
  }
}

export function clearDraft(campaignId: string): void {
  try {
    localStorage.removeItem(draftKey(campaignId));
  } catch {
    // nothing kept
  }
}
