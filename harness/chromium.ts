// How the tests and the bench start Debian's Chromium (no browser download works here): its path,
// and the switches that keep it off the closed network and out of the sandbox root cannot use.
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
