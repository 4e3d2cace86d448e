/**
 * Image references as Docker and the distribution project spell them
 * (distribution/reference grammar): `[host[:port]/]path[:tag][@digest]`, with Docker Hub's
 * short names expanded the way `docker pull` does.
 */
import { isDigest } from '../../core/digest.js';
import { CustomsError } from '../../core/errors.js';

export const DOCKER_HUB_REGISTRY = 'docker.io';
/** Where Docker Hub's /v2/ API actually lives: docker.io itself only redirects to the website. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
export const DEFAULT_TAG = 'latest';

export interface ImageReference {
  /** Registry name as users write it: "docker.io", "ghcr.io", "127.0.0.1:5000", "[::1]:5000". */
  registry: string;
  /** Repository path inside the registry: "library/alpine". */
  repository: string;
  /** Set unless only a digest was given; "latest" when neither was. */
  tag?: string | undefined;
  digest?: string | undefined;
}

// distribution/reference: path-component := alpha-numeric [separator alpha-numeric]*, separator := [_.] | __ | [-]*
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PORT = /^[0-9]+$/;
const IPV6_HOST = /^\[[a-fA-F0-9:.]+(?:%[\w.-]+)?\]$/;
const MAX_NAME_LENGTH = 255;
/** Hostnames Docker treats as Docker Hub, all normalised to docker.io. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

function invalid(text: string, why: string): CustomsError {
  return new CustomsError('INVALID_REFERENCE', `invalid image reference "${text}": ${why}`);
}

/**
 * Parse an image reference. `alpine:3.19` becomes docker.io/library/alpine:3.19; a reference
 * with neither tag nor digest gets the tag "latest", as with `docker pull`.
 */
export function parseReference(text: string): ImageReference {
  if (text.length === 0) throw invalid(text, 'empty');
  if (/\s/.test(text)) throw invalid(text, 'contains whitespace');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw invalid(text, `"${digest}" is not a valid digest (expected sha256:<64 hex digits>)`);
  }

  // A tag follows the last colon only when no slash comes after it; otherwise that colon is a port.
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/') && !rest.endsWith(']')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(text, `"${tag}" is not a valid tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`);
  }
  if (rest.length === 0) throw invalid(text, 'no repository name');

  const { registry, repository } = splitRegistry(rest, text);
  if (`${registry}/${repository}`.length > MAX_NAME_LENGTH) throw invalid(text, `name longer than ${MAX_NAME_LENGTH} characters`);
  for (const component of repository.split('/')) {
    if (component.length === 0) throw invalid(text, 'empty path component in the repository name');
    if (component !== component.toLowerCase()) throw invalid(text, `repository name must be lowercase ("${repository}")`);
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(text, `"${component}" is not a valid repository path component (lowercase letters and digits, separated by ".", "_", "__" or "-")`);
    }
  }
  return { registry, repository, tag: tag ?? (digest ? undefined : DEFAULT_TAG), digest };
}

/**
 * Docker's rule: the first path component names a registry when it contains "." or ":", is
 * "localhost", or has uppercase letters (which a repository cannot); otherwise it is Docker Hub.
 */
function splitRegistry(name: string, text: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const looksLikeHost = slash >= 0 && (/[.:]/.test(first) || first.startsWith('[') || first === 'localhost' || first !== first.toLowerCase());
  if (!looksLikeHost) {
    return { registry: DOCKER_HUB_REGISTRY, repository: slash >= 0 ? name : `library/${name}` };
  }
  validateHost(first, text);
  const remainder = name.slice(slash + 1);
  const registry = DOCKER_HUB_ALIASES.has(first.toLowerCase()) ? DOCKER_HUB_REGISTRY : first;
  // docker.io/alpine is Docker Hub's official image, exactly like plain "alpine".
  const repository = registry === DOCKER_HUB_REGISTRY && !remainder.includes('/') ? `library/${remainder}` : remainder;
  return { registry, repository };
}

function validateHost(host: string, text: string): void {
  let hostname = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    hostname = host.slice(0, close + 1);
    const after = host.slice(close + 1);
    if (close < 0 || !IPV6_HOST.test(hostname)) throw invalid(text, `"${host}" is not a valid registry host`);
    if (after.length > 0) {
      if (!after.startsWith(':')) throw invalid(text, `"${host}" is not a valid registry host`);
      port = after.slice(1);
    }
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) {
      hostname = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (!hostname.split('.').every((component) => DOMAIN_COMPONENT.test(component))) {
      throw invalid(text, `"${host}" is not a valid registry host`);
    }
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) throw invalid(text, `"${port}" is not a valid port`);
}

/** A repository path as the grammar allows it: lowercase components separated by slashes. */
export function isValidRepository(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && name.split('/').every((component) => PATH_COMPONENT.test(component));
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** The normalised name: `docker.io/library/alpine:3.19`, `127.0.0.1:5000/app@sha256:...`. */
export function formatReference(reference: ImageReference): string {
  const tag = reference.tag !== undefined ? `:${reference.tag}` : '';
  const digest = reference.digest !== undefined ? `@${reference.digest}` : '';
  return `${formatRepository(reference)}${tag}${digest}`;
}

/** The repository with its registry, without tag or digest: `docker.io/library/alpine`. */
export function formatRepository(reference: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${reference.registry}/${reference.repository}`;
}

/** What to ask the registry for: a digest pins the manifest, so it wins over a tag given with it. */
export function manifestReference(reference: ImageReference): string {
  return reference.digest ?? reference.tag ?? DEFAULT_TAG;
}

/** The host[:port] that serves the /v2/ API for a registry name. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_API_HOST : registry;
}

/** Loopback registries are where plain HTTP is common and a hint towards --insecure helps. */
export function isLoopbackRegistry(registry: string): boolean {
  const hostname = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.split(':')[0];
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname ?? '');
}
