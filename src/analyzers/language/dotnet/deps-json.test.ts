import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeText } from '../common.js';
import { isDepsJson, parseDepsJson } from './deps-json.js';

// Through decodeText, as the analyzer does: dotnet writes these files with a byte order mark.
const testdata = (name: string): string => decodeText(readFileSync(new URL(`testdata/${name}`, import.meta.url)));

describe('.NET deps.json', () => {
  it('wants *.deps.json', () => {
    assert.equal(isDepsJson('app/WebApi.deps.json'), true);
    assert.equal(isDepsJson('usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json'), true);
    assert.equal(isDepsJson('app/WebApi.runtimeconfig.json'), false);
    assert.equal(isDepsJson('app/deps.json.bak'), false);
  });

  it('reads the package libraries of a framework-dependent app (with a byte order mark); projects skipped', () => {
    assert.deepEqual(parseDepsJson(testdata('WebApi.deps.json')), [
      { ecosystem: 'nuget', name: 'Microsoft.AspNetCore.OpenApi', version: '8.0.0' },
      { ecosystem: 'nuget', name: 'Microsoft.OpenApi', version: '1.4.3' },
      { ecosystem: 'nuget', name: 'Newtonsoft.Json', version: '13.0.1' },
      { ecosystem: 'nuget', name: 'Swashbuckle.AspNetCore', version: '6.4.0' },
    ]);
  });

  it('skips the runtime pack of a self-contained app', () => {
    assert.deepEqual(parseDepsJson(testdata('SelfContained.deps.json')), [{ ecosystem: 'nuget', name: 'Serilog', version: '2.12.0' }]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parseDepsJson('{"libraries": {"Newtonsoft.Json": {"type": "package"}}}'), /library key "Newtonsoft\.Json" is not "Name\/Version"/);
    assert.throws(() => parseDepsJson('{"libraries": {"A/1.0.0": {}}}'), /deps\.json has an unexpected shape: libraries\.A\/1\.0\.0\.type: Required/);
    assert.throws(() => parseDepsJson('\u0000'), /deps\.json is not valid JSON/);
  });
});
