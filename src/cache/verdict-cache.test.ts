import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteVerdictStore } from './verdict-cache.js';

describe('SqliteVerdictStore', () => {
  it('keeps verdicts per engine set across processes (reopened), clean ones included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'customs-verdicts-'));
    try {
      const detection = { engine: 'clamav' as const, signature: 'Unix.Trojan.Test-1', type: 'trojan' as const, severity: 'CRITICAL' as const };
      const first = new SqliteVerdictStore(dir);
      first.put('a'.repeat(64), 'engines-1', [detection]);
      first.put('b'.repeat(64), 'engines-1', []);
      first.close();
      const second = new SqliteVerdictStore(dir);
      assert.deepEqual(second.get('a'.repeat(64), 'engines-1'), [detection]);
      assert.deepEqual(second.get('b'.repeat(64), 'engines-1'), []);
      assert.equal(second.get('a'.repeat(64), 'engines-2'), undefined);
      assert.equal(second.get('c'.repeat(64), 'engines-1'), undefined);
      second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
