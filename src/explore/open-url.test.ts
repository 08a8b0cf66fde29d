import { describe, expect, it } from 'vitest';
import { browserCommand } from './open-url.js';

describe('the command that opens the URL (--open)', () => {
  it("is BROWSER's first entry when it names one", () => {
    expect(browserCommand({ BROWSER: '/usr/bin/firefox' }, 'linux')).toBe('/usr/bin/firefox');
    expect(browserCommand({ BROWSER: 'firefox:chromium' }, 'linux')).toBe('firefox');
  });

  it("is the platform's opener otherwise", () => {
    expect(browserCommand({}, 'linux')).toBe('xdg-open');
    expect(browserCommand({ BROWSER: '' }, 'linux')).toBe('xdg-open');
    expect(browserCommand({}, 'darwin')).toBe('open');
    expect(browserCommand({}, 'win32')).toBe('explorer');
  });
});
