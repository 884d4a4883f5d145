/** How the command line prints a time: ISO 8601 UTC to the second, `-` for never. */
export const date = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));
