/**
 * One error type for everything that can go wrong with an image, so every message names
 * the image and, where known, the layer and the file: users act on the message alone.
 */
export type ErrorCode =
  | 'INVALID_REFERENCE'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'REGISTRY_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'UNSUPPORTED'
  | 'INVALID_MANIFEST'
  | 'DIGEST_MISMATCH'
  | 'CORRUPT_LAYER'
  | 'UNSAFE_PATH'
  | 'SYMLINK_LOOP'
  | 'LAYER_TOO_LARGE'
  | 'INVALID_INPUT'
  /** A malware engine (clamd, clamscan) could not be reached or failed: never taken as a clean verdict. */
  | 'ENGINE_ERROR';

export interface ErrorContext {
  image?: string | undefined;
  layer?: string | undefined;
  file?: string | undefined;
}

export class CustomsError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(formatMessage(detail, context), options);
    this.name = 'CustomsError';
    this.code = code;
    this.detail = detail;
    this.context = context;
  }

  /** The same error, with context filled in by an outer layer that knows more (the image, the layer). */
  withContext(extra: ErrorContext): CustomsError {
    const merged: ErrorContext = {
      image: this.context.image ?? extra.image,
      layer: this.context.layer ?? extra.layer,
      file: this.context.file ?? extra.file,
    };
    return new CustomsError(this.code, this.detail, merged, { cause: this.cause });
  }
}

function formatMessage(detail: string, context: ErrorContext): string {
  const parts: string[] = [];
  if (context.image) parts.push(context.image);
  if (context.layer) parts.push(`layer ${context.layer}`);
  if (context.file) parts.push(`file ${context.file}`);
  return parts.length > 0 ? `${parts.join(': ')}: ${detail}` : detail;
}

/** Attach context to any error thrown below, turning foreign errors into CustomsError. */
export function inContext(error: unknown, context: ErrorContext, fallbackCode: ErrorCode = 'INVALID_INPUT'): CustomsError {
  if (error instanceof CustomsError) return error.withContext(context);
  const message = error instanceof Error ? error.message : String(error);
  return new CustomsError(fallbackCode, message, context, { cause: error });
}
