/** The operating system an image is built on. `family` is the distro id vulnerability data is keyed by. */
export interface OsInfo {
  family: string;
  name: string;
  /** The most precise version known: "12.8" from /etc/debian_version beats "12" from os-release. */
  version: string;
  versionId?: string | undefined;
  codename?: string | undefined;
  prettyName?: string | undefined;
  idLike?: string[] | undefined;
  /** Files the answer came from, in the final filesystem. */
  sources: string[];
}
