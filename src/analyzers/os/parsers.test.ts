import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAlpineRelease } from './alpine-release.js';
import { parseDebianVersion } from './debian-version.js';
import { parseOsRelease } from './os-release.js';
import { parseRedhatRelease } from './redhat-release.js';

describe('OS release file parsers', () => {
  it('parses os-release with quotes, escapes and comments', () => {
    const text = [
      '# comment',
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      "VERSION_CODENAME=bookworm",
      'ID=debian',
      "HOME_URL='https://www.debian.org/'",
      'ESCAPED="say \\"hi\\" \\$HOME"',
      'not an assignment',
      '',
    ].join('\n');
    assert.deepEqual(parseOsRelease(text), {
      PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
      NAME: 'Debian GNU/Linux',
      VERSION_ID: '12',
      VERSION_CODENAME: 'bookworm',
      ID: 'debian',
      HOME_URL: 'https://www.debian.org/',
      ESCAPED: 'say "hi" $HOME',
    });
  });

  it('parses alpine-release and debian_version', () => {
    assert.deepEqual(parseAlpineRelease('3.19.1\n'), { VERSION: '3.19.1' });
    assert.deepEqual(parseAlpineRelease('3.20.0_alpha20240329\n'), { VERSION: '3.20.0_alpha20240329' });
    assert.equal(parseAlpineRelease('garbage here\n'), undefined);
    assert.deepEqual(parseDebianVersion('12.8\n'), { VERSION: '12.8' });
    assert.deepEqual(parseDebianVersion('bookworm/sid\n'), { CODENAME: 'bookworm/sid' });
    assert.equal(parseDebianVersion('\n'), undefined);
  });

  it('parses the Red Hat family release files', () => {
    assert.deepEqual(parseRedhatRelease('Rocky Linux release 9.3 (Blue Onyx)\n'), { NAME: 'Rocky Linux', VERSION: '9.3', ID: 'rocky', CODENAME: 'Blue Onyx' });
    assert.deepEqual(parseRedhatRelease('CentOS Linux release 7.9.2009 (Core)\n'), { NAME: 'CentOS Linux', VERSION: '7.9.2009', ID: 'centos', CODENAME: 'Core' });
    assert.deepEqual(parseRedhatRelease('Red Hat Enterprise Linux release 8.9 (Ootpa)'), { NAME: 'Red Hat Enterprise Linux', VERSION: '8.9', ID: 'rhel', CODENAME: 'Ootpa' });
    assert.deepEqual(parseRedhatRelease('Amazon Linux release 2 (Karoo)'), { NAME: 'Amazon Linux', VERSION: '2', ID: 'amzn', CODENAME: 'Karoo' });
    assert.deepEqual(parseRedhatRelease('Oracle Linux Server release 8.9'), { NAME: 'Oracle Linux Server', VERSION: '8.9', ID: 'ol' });
    assert.equal(parseRedhatRelease('hello'), undefined);
  });
});
