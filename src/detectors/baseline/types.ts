/**
 * Facts read from configuration files that baseline checks need (accounts, sudoers, sshd,
 * login.defs), one member per format. Only facts are kept, never secrets: a password hash is
 * reduced to its state and type before anything is returned, because results are cached on disk.
 */
export type ConfigFileResult =
  | { kind: 'config-file'; format: 'passwd'; facts: PasswdFacts }
  | { kind: 'config-file'; format: 'shadow'; facts: ShadowFacts }
  | { kind: 'config-file'; format: 'group'; facts: GroupFacts }
  | { kind: 'config-file'; format: 'sudoers'; facts: SudoersFacts }
  | { kind: 'config-file'; format: 'sshd-config'; facts: SshdConfigFacts }
  | { kind: 'config-file'; format: 'login-defs'; facts: LoginDefsFacts };

export type ConfigFileFormat = ConfigFileResult['format'];

/** The result member of one format, e.g. `ConfigFileOf<'shadow'>`. */
export type ConfigFileOf<F extends ConfigFileFormat> = Extract<ConfigFileResult, { format: F }>;

/**
 * Password hash schemes, named from the crypt(3) prefix. `des` is the 13-character traditional
 * crypt without a prefix; `unknown` is anything else that is not a lock or empty.
 */
export type HashType =
  | 'des'
  | 'bsdi-des'
  | 'md5'
  | 'sun-md5'
  | 'nthash'
  | 'bcrypt'
  | 'sha256'
  | 'sha512'
  | 'scrypt'
  | 'yescrypt'
  | 'gost-yescrypt'
  | 'unknown';

/**
 * What a password field says, without the hash: no password at all (`empty`: anyone may log in
 * where the login path allows it), `locked` (`!`, `*`, `!!`, or `!` before a hash), `shadowed`
 * (passwd's `x`: see /etc/shadow), or a usable hash of some type.
 */
export type PasswordState = { state: 'empty' } | { state: 'locked' } | { state: 'shadowed' } | { state: 'hash'; hashType: HashType };

export interface PasswdUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  password: PasswordState;
  /** 1-based line in the file. */
  line: number;
}

export interface PasswdFacts {
  users: PasswdUser[];
}

export interface ShadowEntry {
  name: string;
  password: PasswordState;
  line: number;
}

export interface ShadowFacts {
  entries: ShadowEntry[];
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
  line: number;
}

export interface GroupFacts {
  groups: GroupEntry[];
}

/** One `who hosts = (runas) TAGS: commands` specification of a sudoers user rule. */
export interface SudoRule {
  /** The user list as written: names, `%group`, `#uid`, aliases, `ALL`. */
  principals: string[];
  hosts: string[];
  /** The run-as user list; `['root']` when the rule gives none (sudo's default target). */
  runAsUsers: string[];
  runAsGroups: string[];
  /** NOPASSWD applies to at least one of the commands (tags carry over to later commands). */
  nopasswd: boolean;
  /** Commands, with NOPASSWD:/PASSWD: and other tags removed. */
  commands: string[];
  /** Any of the commands is `ALL`. */
  allCommands: boolean;
  line: number;
}

export interface SudoersFacts {
  rules: SudoRule[];
  /** `Defaults ... !authenticate` or `Defaults:... !authenticate`: no password asked at all. */
  authenticateDisabled: boolean;
  /** `#include`/`@include`/`#includedir`/`@includedir` targets, as written. */
  includes: string[];
  /** Aliases: name -> members, for User_Alias, Runas_Alias, Host_Alias and Cmnd_Alias. */
  aliases: Record<string, { type: 'User_Alias' | 'Runas_Alias' | 'Host_Alias' | 'Cmnd_Alias'; members: string[] }>;
}

/** One sshd_config keyword, lower-cased, with the first value given (sshd's rule for most keywords). */
export interface SshdSetting {
  keyword: string;
  value: string;
  line: number;
}

/** The file in order: settings outside any Match block and Include directives, as sshd reads them. */
export type SshdDirective = { type: 'setting'; setting: SshdSetting } | { type: 'include'; patterns: string[]; line: number };

export interface SshdMatchBlock {
  criteria: string;
  line: number;
  settings: SshdSetting[];
}

export interface SshdConfigFacts {
  directives: SshdDirective[];
  matchBlocks: SshdMatchBlock[];
}

export interface LoginDefsFacts {
  encryptMethod?: string | undefined;
  passMaxDays?: number | undefined;
  /** MD5_CRYPT_ENAB, used by older shadow-utils when ENCRYPT_METHOD is absent. */
  md5CryptEnab?: boolean | undefined;
}
