/** The system Chromium Playwright drives: browsers are never downloaded on our machines. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
