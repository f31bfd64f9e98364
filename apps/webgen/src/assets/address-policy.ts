/** The address policy lives with the shared SSRF guard; re-exported for the logo fetch and its tests. */
export { isPublicAddress, nonPublicReason } from '@bf/runtime';
