// The browser tests drive Debian's Chromium (see test/browser.ts); Puppeteer's own download cannot reach its host here.
module.exports = { skipDownload: true };
