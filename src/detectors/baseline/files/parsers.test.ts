import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileInfo } from '../../../core/files.js';
import { groupAnalyzer, parseGroup } from './group.js';
import { loginDefsAnalyzer, parseLoginDefs } from './login-defs.js';
import { classifyPassword } from './password.js';
import { parsePasswd, passwdAnalyzer } from './passwd.js';
import { parseShadow, shadowAnalyzer } from './shadow.js';
import { parseSshdConfig, sshdConfigAnalyzer } from './sshd-config.js';
import { parseSudoers, sudoersAnalyzer } from './sudoers.js';

const info = (path: string, size = 100): FileInfo => ({ path, type: 'file', mode: 0o644, size, uid: 0, gid: 0 });

describe('baseline config-file parsers', () => {
  it('parses passwd: users, ids, shells, and the password state without any hash', () => {
    const text = [
      'root:x:0:0:root:/root:/bin/bash',
      'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
      '# a comment',
      '',
      'old:$1$abcdefgh$0123456789abcdefghijkl:1001:1001::/home/old:/bin/sh',
      'open::1002:1002::/home/open:/bin/bash',
      '+nisuser::::::',
      'broken:x:notanumber:1::/:/bin/sh',
      'short:x:1:1',
    ].join('\n');
    assert.deepEqual(parsePasswd(text), {
      users: [
        { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', password: { state: 'shadowed' }, line: 1 },
        { name: 'daemon', uid: 1, gid: 1, home: '/usr/sbin', shell: '/usr/sbin/nologin', password: { state: 'shadowed' }, line: 2 },
        { name: 'old', uid: 1001, gid: 1001, home: '/home/old', shell: '/bin/sh', password: { state: 'hash', hashType: 'md5' }, line: 5 },
        { name: 'open', uid: 1002, gid: 1002, home: '/home/open', shell: '/bin/bash', password: { state: 'empty' }, line: 6 },
      ],
    });
  });

  it('reduces shadow entries to the password state, naming every hash scheme by its prefix', () => {
    const text = [
      'root:*:19000:0:99999:7:::',
      'daemon:!:19000::::::',
      'legacy:!!:19000::::::',
      'lockedhash:!$6$salt$HASHVALUE:19000::::::',
      'empty::19000::::::',
      'des:abJnggxhB/yWI:19000::::::',
      'bsdi:_J9..rEi6hgIlAJnzMjI:19000::::::',
      'md5:$1$saltsalt$qjXMvbEw8oaL.CzflDugX/:19000::::::',
      'bcrypt:$2b$10$abcdefghijklmnopqrstuu5Q0D1YGoHEjK0L9m8OQD0fEPB/LZt5K:19000::::::',
      'sha256:$5$rounds=5000$salt$HASHVALUE:19000::::::',
      'sha512:$6$salt$HASHVALUE:19000::::::',
      'yescrypt:$y$j9T$salt$HASHVALUE:19000::::::',
      'gost:$gy$j9T$salt$HASHVALUE:19000::::::',
      'scrypt:$7$CU../..salt$HASHVALUE:19000::::::',
      'sunmd5:$md5,rounds=904$salt$HASHVALUE:19000::::::',
      'nt:$3$$8846f7eaee8fb117ad06bdd830b7586c:19000::::::',
      'other:$9$future$HASHVALUE:19000::::::',
      'np:NP:19000::::::',
    ].join('\n');
    const parsed = parseShadow(text);
    assert.deepEqual(
      parsed.entries.map((entry) => [entry.name, entry.password.state === 'hash' ? entry.password.hashType : entry.password.state, entry.line]),
      [
        ['root', 'locked', 1],
        ['daemon', 'locked', 2],
        ['legacy', 'locked', 3],
        ['lockedhash', 'locked', 4],
        ['empty', 'empty', 5],
        ['des', 'des', 6],
        ['bsdi', 'bsdi-des', 7],
        ['md5', 'md5', 8],
        ['bcrypt', 'bcrypt', 9],
        ['sha256', 'sha256', 10],
        ['sha512', 'sha512', 11],
        ['yescrypt', 'yescrypt', 12],
        ['gost', 'gost-yescrypt', 13],
        ['scrypt', 'scrypt', 14],
        ['sunmd5', 'sun-md5', 15],
        ['nt', 'nthash', 16],
        ['other', 'unknown', 17],
        ['np', 'locked', 18],
      ],
    );
    // Nothing of any hash survives: the result is cached on disk.
    const json = JSON.stringify(parsed);
    for (const fragment of ['saltsalt', 'qjXMvbEw', 'abJnggxhB', 'HASHVALUE', '8846f7ea', 'rounds', 'salt']) assert.ok(!json.includes(fragment), fragment);
  });

  it('classifies passwd and shadow fields differently only for x', () => {
    assert.deepEqual(classifyPassword('x', 'passwd'), { state: 'shadowed' });
    assert.deepEqual(classifyPassword('x', 'shadow'), { state: 'locked' });
    assert.deepEqual(classifyPassword('*LK*', 'shadow'), { state: 'locked' });
    assert.deepEqual(classifyPassword('', 'passwd'), { state: 'empty' });
  });

  it('parses group with members', () => {
    assert.deepEqual(parseGroup('root:x:0:\nsudo:x:27:alice, bob\nbad:x:y:\n#c\nwheel:*:10:carol\n'), {
      groups: [
        { name: 'root', gid: 0, members: [], line: 1 },
        { name: 'sudo', gid: 27, members: ['alice', 'bob'], line: 2 },
        { name: 'wheel', gid: 10, members: ['carol'], line: 5 },
      ],
    });
  });

  it('parses sudoers: rules per run-as and NOPASSWD run, aliases, includes, Defaults !authenticate', () => {
    const text = [
      '# comment',
      'Defaults\tenv_reset',
      'Defaults\tsecure_path="/usr/sbin:/usr/bin" # trailing',
      'User_Alias ADMINS = alice, bob : WEB = www',
      'Cmnd_Alias PKG = /usr/bin/apt-get',
      'root\tALL=(ALL:ALL) ALL',
      '%sudo\tALL=(ALL:ALL) ALL',
      'app ALL=(root) NOPASSWD: /usr/bin/apt-get, /usr/bin/systemctl, PASSWD: /bin/su',
      '#1000 ALL = (ALL) NOPASSWD:ALL',
      'deploy web1, web2 = (www-data) /usr/bin/rsync : db1 = (postgres) NOPASSWD: ALL',
      'ops ALL=(ALL) \\',
      '   NOPASSWD: ALL',
      'ADMINS ALL = (root, operator) CWD=/ TIMEOUT=5m NOEXEC: /bin/ls',
      '@includedir /etc/sudoers.d',
      '#includedir /etc/sudoers.d',
    ].join('\n');
    const facts = parseSudoers(text);
    assert.equal(facts.authenticateDisabled, false);
    assert.deepEqual(facts.includes, ['/etc/sudoers.d', '/etc/sudoers.d']);
    assert.deepEqual(facts.aliases, {
      ADMINS: { type: 'User_Alias', members: ['alice', 'bob'] },
      WEB: { type: 'User_Alias', members: ['www'] },
      PKG: { type: 'Cmnd_Alias', members: ['/usr/bin/apt-get'] },
    });
    const rule = (principals: string[], hosts: string[], runAsUsers: string[], runAsGroups: string[], nopasswd: boolean, commands: string[], line: number) => ({
      principals,
      hosts,
      runAsUsers,
      runAsGroups,
      nopasswd,
      commands,
      allCommands: commands.includes('ALL'),
      line,
    });
    assert.deepEqual(facts.rules, [
      rule(['root'], ['ALL'], ['ALL'], ['ALL'], false, ['ALL'], 6),
      rule(['%sudo'], ['ALL'], ['ALL'], ['ALL'], false, ['ALL'], 7),
      rule(['app'], ['ALL'], ['root'], [], true, ['/usr/bin/apt-get', '/usr/bin/systemctl'], 8),
      rule(['app'], ['ALL'], ['root'], [], false, ['/bin/su'], 8),
      rule(['#1000'], ['ALL'], ['ALL'], [], true, ['ALL'], 9),
      rule(['deploy'], ['web1', 'web2'], ['www-data'], [], false, ['/usr/bin/rsync'], 10),
      rule(['deploy'], ['db1'], ['postgres'], [], true, ['ALL'], 10),
      rule(['ops'], ['ALL'], ['ALL'], [], true, ['ALL'], 11),
      rule(['ADMINS'], ['ALL'], ['root', 'operator'], [], false, ['/bin/ls'], 13),
    ]);
    assert.equal(parseSudoers('Defaults:alice !authenticate\n').authenticateDisabled, true);
    assert.equal(parseSudoers('Defaults !authenticate, env_reset\n').authenticateDisabled, true);
    assert.equal(parseSudoers('Defaults authenticate\n').authenticateDisabled, false);
  });

  it('parses sshd_config in order: settings, Include, Match blocks, first value kept by the reader', () => {
    const text = [
      'Include /etc/ssh/sshd_config.d/*.conf',
      '# PermitRootLogin yes',
      'PermitRootLogin yes # trailing comment',
      'PermitRootLogin no',
      'passwordauthentication=no',
      'Protocol = 2,1',
      'Banner "/etc/issue net"',
      'Match User bob',
      '  PasswordAuthentication yes',
      '  Include /etc/ssh/never.conf',
      'Match all',
    ].join('\n');
    assert.deepEqual(parseSshdConfig(text), {
      directives: [
        { type: 'include', patterns: ['/etc/ssh/sshd_config.d/*.conf'], line: 1 },
        { type: 'setting', setting: { keyword: 'permitrootlogin', value: 'yes', line: 3 } },
        { type: 'setting', setting: { keyword: 'permitrootlogin', value: 'no', line: 4 } },
        { type: 'setting', setting: { keyword: 'passwordauthentication', value: 'no', line: 5 } },
        { type: 'setting', setting: { keyword: 'protocol', value: '2,1', line: 6 } },
        { type: 'setting', setting: { keyword: 'banner', value: '/etc/issue net', line: 7 } },
      ],
      matchBlocks: [
        { criteria: 'User bob', line: 8, settings: [{ keyword: 'passwordauthentication', value: 'yes', line: 9 }] },
        { criteria: 'all', line: 11, settings: [] },
      ],
    });
  });

  it('parses login.defs for ENCRYPT_METHOD, PASS_MAX_DAYS and MD5_CRYPT_ENAB', () => {
    assert.deepEqual(parseLoginDefs('# c\nPASS_MAX_DAYS\t99999\nENCRYPT_METHOD sha512\nMD5_CRYPT_ENAB no\nUMASK 022\n'), {
      passMaxDays: 99999,
      encryptMethod: 'SHA512',
      md5CryptEnab: false,
    });
    assert.deepEqual(parseLoginDefs('MD5_CRYPT_ENAB yes\n'), { md5CryptEnab: true });
  });

  it('selects files from the path alone, as sudo and sshd read them', () => {
    const cases: Array<[string, string[]]> = [
      ['etc/passwd', ['baseline/passwd']],
      ['etc/shadow', ['baseline/shadow']],
      ['etc/group', ['baseline/group']],
      ['etc/login.defs', ['baseline/login-defs']],
      ['etc/sudoers', ['baseline/sudoers']],
      ['etc/sudoers.d/app', ['baseline/sudoers']],
      // sudo skips names containing a dot or ending in ~.
      ['etc/sudoers.d/README.md', []],
      ['etc/sudoers.d/app~', []],
      ['etc/sudoers.d/sub/app', []],
      ['etc/ssh/sshd_config', ['baseline/sshd-config']],
      ['etc/ssh/sshd_config.d/10-custom.conf', ['baseline/sshd-config']],
      ['etc/ssh/sshd_config.d/10-custom.disabled', []],
      ['etc/ssh/ssh_config', []],
      ['etc/passwd-', []],
      ['usr/share/base-passwd/passwd.master', []],
    ];
    const analyzers = [passwdAnalyzer, shadowAnalyzer, groupAnalyzer, sudoersAnalyzer, sshdConfigAnalyzer, loginDefsAnalyzer];
    for (const [path, expected] of cases) {
      assert.deepEqual(analyzers.filter((analyzer) => analyzer.required(path, info(path))).map((analyzer) => analyzer.name), expected, path);
    }
    assert.equal(passwdAnalyzer.required('etc/passwd', info('etc/passwd', 64 * 1024 * 1024)), false, 'too large to be an account file');
  });

  it('returns one config-file result per file', async () => {
    const input = {
      path: 'etc/shadow',
      info: info('etc/shadow'),
      layer: { index: 0, diffId: 'sha256:x', digest: 'sha256:y' },
      read: async () => Buffer.from('root:$6$salt$secrethash:1::::::\n'),
      open: () => {
        throw new Error('not used');
      },
    };
    const results = await shadowAnalyzer.analyze(input);
    assert.deepEqual(results, [{ kind: 'config-file', format: 'shadow', facts: { entries: [{ name: 'root', password: { state: 'hash', hashType: 'sha512' }, line: 1 } ] } }]);
    assert.ok(!JSON.stringify(results).includes('secrethash'));
  });
});
