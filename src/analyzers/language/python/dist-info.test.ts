import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isPythonMetadata, parsePythonMetadata } from './dist-info.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('Python installed package metadata', () => {
  it('wants METADATA in .dist-info, PKG-INFO in .egg-info and EGG-INFO, and single-file .egg-info', () => {
    const wanted = [
      'usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA',
      'opt/venv/lib/python3.12/site-packages/urllib3-2.3.0.dist-info/METADATA',
      'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/six-1.16.0.egg-info',
      'usr/lib/python2.7/site-packages/simplejson-3.17.2-py2.7-linux-x86_64.egg/EGG-INFO/PKG-INFO',
    ];
    const unwanted = [
      'usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/RECORD',
      'usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/LICENSE',
      'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info/requires.txt',
      'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info/SOURCES.txt',
      'usr/local/lib/python3.11/site-packages/requests/METADATA',
      'srv/app/PKG-INFO',
      'usr/lib/python3/dist-packages/six.egg-information',
    ];
    for (const path of wanted) assert.equal(isPythonMetadata(path), true, path);
    for (const path of unwanted) assert.equal(isPythonMetadata(path), false, path);
  });

  it('reads a wheel METADATA 2.1 with a License field, and stops at the description', () => {
    assert.deepEqual(parsePythonMetadata(testdata('requests-2.31.0.METADATA'), 'site-packages/requests-2.31.0.dist-info/METADATA'), [
      { ecosystem: 'pypi', name: 'requests', version: '2.31.0', licenses: ['Apache 2.0'] },
    ]);
  });

  it('prefers License-Expression (metadata 2.4)', () => {
    assert.deepEqual(parsePythonMetadata(testdata('urllib3-2.3.0.METADATA'), 'METADATA'), [{ ecosystem: 'pypi', name: 'urllib3', version: '2.3.0', licenses: ['MIT'] }]);
  });

  it('reads CRLF line endings', () => {
    assert.deepEqual(parsePythonMetadata(testdata('python_dateutil-2.8.2.METADATA'), 'METADATA'), [
      { ecosystem: 'pypi', name: 'python-dateutil', version: '2.8.2', licenses: ['Dual License'] },
    ]);
  });

  it('falls back to the License classifiers when the License field is the license text or UNKNOWN', () => {
    assert.deepEqual(parsePythonMetadata(testdata('chardet-5.1.0.PKG-INFO'), 'chardet-5.1.0.egg-info/PKG-INFO'), [
      { ecosystem: 'pypi', name: 'chardet', version: '5.1.0', licenses: ['GNU Lesser General Public License v2 or later (LGPLv2+)'] },
    ]);
    assert.deepEqual(parsePythonMetadata(testdata('setuptools-egg.PKG-INFO'), 'EGG-INFO/PKG-INFO'), [
      { ecosystem: 'pypi', name: 'simplejson', version: '3.17.2', licenses: ['MIT License', 'Academic Free License (AFL)'] },
    ]);
  });

  it('reads a single-file egg-info (metadata 1.2) with an indented Description', () => {
    assert.deepEqual(parsePythonMetadata(testdata('six-1.16.0.egg-info'), 'usr/lib/python3/dist-packages/six-1.16.0.egg-info'), [
      { ecosystem: 'pypi', name: 'six', version: '1.16.0', licenses: ['MIT'] },
    ]);
  });

  it('records no licenses when none is given', () => {
    assert.deepEqual(parsePythonMetadata('Metadata-Version: 2.1\nName: internal\nVersion: 0.0.1\n', 'METADATA'), [{ ecosystem: 'pypi', name: 'internal', version: '0.0.1' }]);
  });

  it('throws when Name or Version is missing, naming the file', () => {
    assert.throws(() => parsePythonMetadata('Metadata-Version: 2.1\nVersion: 1.0\n', 'x-1.0.dist-info/METADATA'), /METADATA has no Name field/);
    assert.throws(() => parsePythonMetadata('Metadata-Version: 2.1\nName: x\n', 'x.egg-info/PKG-INFO'), /PKG-INFO has no Version field/);
    assert.throws(() => parsePythonMetadata('\u0000\u0001binary', 'six-1.0.egg-info'), /six-1\.0\.egg-info has no Name field/);
  });
});
