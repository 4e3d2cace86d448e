export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** A file as seen in a layer's tar header (or a directory's lstat): everything known without reading it. */
export interface FileInfo {
  /** Normalised path relative to the image root, without a leading slash: "etc/os-release". */
  path: string;
  type: FileType;
  /** Permission and special bits (setuid 0o4000, setgid 0o2000, sticky 0o1000), without the type bits. */
  mode: number;
  size: number;
  uid: number;
  gid: number;
  /** Symlink target as written, or the normalised path a hard link points to. */
  linkname?: string | undefined;
}

/** Which layer a file or a result came from. Layers are counted from the bottom, starting at 0. */
export interface LayerRef {
  index: number;
  diffId: string;
  digest: string;
}
