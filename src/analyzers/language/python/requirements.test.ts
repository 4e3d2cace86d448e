import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isRequirementsFile, parseRequirements } from './requirements.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('requirements.txt', () => {
  it('wants requirements*.txt', () => {
    for (const path of ['app/requirements.txt', 'requirements.txt', 'app/requirements-dev.txt', 'app/requirements_prod.txt', 'app/requirements.lock.txt']) assert.equal(isRequirementsFile(path), true, path);
    for (const path of ['app/requirements.in', 'app/requirements/base.txt', 'app/dev-requirements.txt', 'app/requirements.txt.bak', 'app/constraints.txt']) assert.equal(isRequirementsFile(path), false, path);
  });

  it('reads exact pins with extras, markers, comments, hashes and continuations; ignores everything else', () => {
    assert.deepEqual(parseRequirements(testdata('requirements.txt')), [
      { ecosystem: 'pypi', name: 'asgiref', version: '3.7.2' },
      { ecosystem: 'pypi', name: 'Django', version: '4.2.7' },
      { ecosystem: 'pypi', name: 'celery', version: '5.3.4' },
      { ecosystem: 'pypi', name: 'uvicorn', version: '0.23.2' },
      { ecosystem: 'pypi', name: 'zope.interface', version: '6.1' },
      { ecosystem: 'pypi', name: 'backports.zoneinfo', version: '0.2.1' },
    ]);
  });

  it('handles CRLF and a continuation on the last line', () => {
    assert.deepEqual(parseRequirements('flask==3.0.0\r\nclick==8.1.7 \\\r\n'), [
      { ecosystem: 'pypi', name: 'flask', version: '3.0.0' },
      { ecosystem: 'pypi', name: 'click', version: '8.1.7' },
    ]);
    assert.deepEqual(parseRequirements(''), []);
  });
});
