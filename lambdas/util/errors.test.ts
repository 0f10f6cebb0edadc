import { describe, expect, it } from 'vitest';
import { CampaignsInvalid } from '../../cdk/campaigns.js';
import { CliError } from '../../cli/output.js';
import { CompileError } from '../../statemachines/compile.js';
import { QueryCancelled, QueryFailed } from '../adapters/duckdb-engine.js';
import { ApiError } from '../api/errors.js';
import { CatalogError } from '../catalog/catalog.js';
import { ActivityError, RunStopped, TransientError } from '../orchestrator/errors.js';
import { ExpressionSyntaxError } from '../query/expression.js';
import { QueryError } from '../query/scope.js';
import { SqlSafetyError } from '../sql/literal.js';
import { OrcaError, retryableByName, retryableNames } from './errors.js';
import { UnreadableFileError } from './files.js';

// Each class, one instance, and the name it has always had.
const KINDS = [
  [ActivityError, new ActivityError('m'), 'Orca.ActivityError'],
  [TransientError, new TransientError('m'), 'Orca.Transient'],
  [RunStopped, new RunStopped(), 'Orca.RunStopped'],
  [QueryError, new QueryError('m'), 'QueryError'],
  [ExpressionSyntaxError, new ExpressionSyntaxError('m', 0), 'ExpressionSyntaxError'],
  [SqlSafetyError, new SqlSafetyError('m'), 'SqlSafetyError'],
  [CatalogError, new CatalogError([]), 'CatalogError'],
  [CompileError, new CompileError('m'), 'CompileError'],
  [UnreadableFileError, new UnreadableFileError('f', 'm'), 'UnreadableFileError'],
  [QueryFailed, new QueryFailed('m'), 'QueryFailed'],
  [QueryCancelled, new QueryCancelled('m'), 'QueryCancelled'],
  [ApiError, new ApiError(400, 'bad_request', 'm'), 'ApiError'],
  [CliError, new CliError('m'), 'CliError'],
  [CampaignsInvalid, new CampaignsInvalid('m'), 'CampaignsInvalid'],
] as const;

describe('the error hierarchy', () => {
  it('every orca error is an OrcaError with its own stable name', () => {
    for (const [kind, error, name] of KINDS) {
      expect(error).toBeInstanceOf(OrcaError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(kind);
      expect(error.name).toBe(name);
      expect(Object.hasOwn(kind, 'errorName')).toBe(true);
      expect(kind.errorName).toBe(name);
      expect(String(error)).toBe(`${name}: ${error.message}`);
    }
    expect(new Set(KINDS.map(([, , name]) => name)).size).toBe(KINDS.length);
  });

  it('only the transient error is retryable, on the class and on its instances', () => {
    expect(KINDS.filter(([, error]) => error.retryable).map(([, , name]) => name)).toEqual(['Orca.Transient']);
    for (const [kind, error] of KINDS) expect(error.retryable).toBe(kind.retryable);
  });

  it('keeps the fields of each kind, not a bag of properties', () => {
    expect(new CliError('m', 1).code).toBe(1);
    expect(new ApiError(404, 'not_found', 'm', { id: 'x' })).toMatchObject({ status: 404, details: { id: 'x' } });
    expect(new ExpressionSyntaxError('m', 7).pos).toBe(7);
    expect(new UnreadableFileError('a.yaml', 'no such file').message).toBe('a.yaml: no such file');
    expect(Object.keys(new TransientError('m'))).toEqual(['name']);
  });

  it('builds name → retryable tables and retry lists from the classes', () => {
    const kinds = [ActivityError, TransientError, RunStopped];
    expect([...retryableByName(kinds)]).toEqual([
      ['Orca.ActivityError', false],
      ['Orca.Transient', true],
      ['Orca.RunStopped', false],
    ]);
    expect(retryableNames(kinds)).toEqual(['Orca.Transient']);
    expect(() => retryableByName([QueryError, QueryError])).toThrow('two error classes are named QueryError');
  });
});
