/**
 * Validators for the official SBOM schemas. CycloneDX 1.6 (draft-07, with the SPDX license-id
 * and JSF schemas it references) comes from @cyclonedx/cyclonedx-library's res/schema; SPDX 2.3
 * (draft 2019-09) is vendored in test/schemas because no npm package carries it (see the README
 * there).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule.default;
const CYCLONEDX_SCHEMAS = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const SPDX_SCHEMA = fileURLToPath(new URL('../schemas/spdx-2.3.schema.json', import.meta.url));

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

function check(validate: ValidateFunction, document: unknown): SchemaCheck {
  const valid = validate(document) === true;
  return { valid, errors: (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`) };
}

let cycloneDx: ValidateFunction | undefined;
let spdx: ValidateFunction | undefined;

export function validateCycloneDx16(document: unknown): SchemaCheck {
  if (!cycloneDx) {
    // strict off: the official schemas use keywords ajv's strict mode rejects ("meta:enum", "deprecated" in draft-07).
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // Formats ajv-formats lacks; we write neither, so a permissive check loses nothing.
    ajv.addFormat('idn-email', true);
    ajv.addFormat('iri-reference', true);
    // The library renames the referenced files *.SNAPSHOT.schema.json and points bom-1.6 at those names.
    for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
      ajv.addSchema(readJson(join(CYCLONEDX_SCHEMAS, name)), `http://cyclonedx.org/schema/${name}`);
    }
    cycloneDx = ajv.compile(readJson(join(CYCLONEDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json')));
  }
  return check(cycloneDx, document);
}

export function validateSpdx23(document: unknown): SchemaCheck {
  if (!spdx) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    spdx = ajv.compile(readJson(SPDX_SCHEMA));
  }
  return check(spdx, document);
}
