import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from './config.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'customs-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('config file', () => {
  it('reads the malware section, resolving paths against the file', async () => {
    const file = join(dir, 'customs.yaml');
    await writeFile(
      file,
      [
        'malware:',
        '  engines: [yara, hash]',
        '  clamd: tcp://127.0.0.1:3310',
        '  clamavDatabase: sigs',
        '  yaraRules: [rules/extra.yar]',
        '  hashLists: [/abs/iocs.txt]',
        '  whitelist:',
        '    - type: miner',
        '      repository: registry.example.com/bench/xmrig',
        '      reason: mining benchmark',
        '    - type: webshell',
      ].join('\n'),
    );
    assert.deepEqual(await loadConfig(file), {
      malware: {
        engines: ['yara', 'hash'],
        clamd: 'tcp://127.0.0.1:3310',
        clamavDatabase: join(dir, 'sigs'),
        yaraRules: [join(dir, 'rules/extra.yar')],
        hashLists: ['/abs/iocs.txt'],
        whitelist: [{ type: 'miner', repository: 'registry.example.com/bench/xmrig', reason: 'mining benchmark' }, { type: 'webshell' }],
      },
    });
  });

  it('treats a clamd socket path as a path', async () => {
    const file = join(dir, 'socket.yaml');
    await writeFile(file, 'malware:\n  clamd: run/clamd.ctl\n');
    assert.equal((await loadConfig(file)).malware?.clamd, join(dir, 'run/clamd.ctl'));
  });

  it('names the file and the key that is wrong', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'malware:\n  whitelist:\n    - type: adware\n');
    await assert.rejects(loadConfig(file), (error: Error) => error.message.startsWith(`file ${file}: malware.whitelist.0.type: Invalid enum value.`));
    await writeFile(file, 'malwre: {}\n');
    await assert.rejects(loadConfig(file), { message: `file ${file}: (top level): Unrecognized key(s) in object: 'malwre'` });
    await writeFile(file, 'malware: [\n');
    await assert.rejects(loadConfig(file), (error: Error) => error.message.startsWith(`file ${file}: not valid YAML:`));
  });

  it('is optional by default and required when named', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await rm(join(dir, 'customs.yaml'), { force: true });
      assert.deepEqual(await loadConfig(undefined), {});
    } finally {
      process.chdir(cwd);
    }
    await assert.rejects(loadConfig(join(dir, 'nope.yaml')), (error: Error) => error.message.startsWith(`file ${join(dir, 'nope.yaml')}: cannot read config file: ENOENT`));
  });
});
