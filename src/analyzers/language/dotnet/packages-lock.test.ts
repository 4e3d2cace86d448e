import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeText } from '../common.js';
import { isPackagesLock, parsePackagesLock } from './packages-lock.js';

const testdata = (name: string): string => decodeText(readFileSync(new URL(`testdata/${name}`, import.meta.url)));

describe('NuGet packages.lock.json', () => {
  it('wants packages.lock.json', () => {
    assert.equal(isPackagesLock('src/WebApi/packages.lock.json'), true);
    assert.equal(isPackagesLock('src/WebApi/packages.config'), false);
    assert.equal(isPackagesLock('src/WebApi/obj/project.assets.json'), false);
  });

  it('reads every target: Direct, Transitive and CentralTransitive, once per version; Project entries skipped', () => {
    assert.deepEqual(parsePackagesLock(testdata('packages.lock.json')), [
      { ecosystem: 'nuget', name: 'Microsoft.Extensions.Logging', version: '8.0.0' },
      { ecosystem: 'nuget', name: 'StyleCop.Analyzers', version: '1.1.118' },
      { ecosystem: 'nuget', name: 'Microsoft.Extensions.DependencyInjection', version: '8.0.0' },
      { ecosystem: 'nuget', name: 'Microsoft.Extensions.DependencyInjection.Abstractions', version: '8.0.0' },
      { ecosystem: 'nuget', name: 'Microsoft.Extensions.Logging.Abstractions', version: '8.0.0' },
      { ecosystem: 'nuget', name: 'System.Text.Json', version: '8.0.4' },
      { ecosystem: 'nuget', name: 'runtime.linux-x64.Microsoft.DotNet.ILCompiler', version: '8.0.8' },
    ]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parsePackagesLock('{"dependencies": {}}'), /packages\.lock\.json has an unexpected shape: version: Required/);
    assert.throws(() => parsePackagesLock('{"version": 1, "dependencies": {"net8.0": {"A": {"type": "Direct"}}}}'), /net8\.0 A \(Direct\) has no resolved version/);
  });
});
