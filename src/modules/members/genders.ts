// Dependency-free on purpose: the dashboard's rules editor imports the condition field catalogue,
// which lists these values, so this file must not pull the members module into the browser.

/** The genders a member record may hold. */
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
