import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArenaError } from '../../src/domain/errors.js';
import { normalizeExportOptions, validateDefinitionBody } from '../../src/engine/export/options.js';

function rejects(fn: () => unknown, code: number, message: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ArenaError, `expected ArenaError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    assert.equal(err.status, 400);
    return true;
  });
}

const DEFAULTS = {
  exportViews: ['SPECS'],
  bomLevels: 'NONE',
  revisionStatus: 'LATEST',
  header: 'apiName',
  format: 'csv',
  fileContent: { item: 'NONE', supplierItem: 'NONE' },
  enableNotifications: false,
};

describe('normalizeExportOptions', () => {
  it('fills every default when options are omitted, null or empty', () => {
    assert.deepEqual(normalizeExportOptions(undefined), DEFAULTS);
    assert.deepEqual(normalizeExportOptions(null), DEFAULTS);
    assert.deepEqual(normalizeExportOptions({}), DEFAULTS);
    // defaults are copies: mutating one result does not leak into the next
    const a = normalizeExportOptions({});
    a.exportViews.push('BOM');
    a.fileContent.item = 'ALL';
    assert.deepEqual(normalizeExportOptions({}), DEFAULTS);
  });

  it('normalises case, aliases and duplicates', () => {
    const o = normalizeExportOptions({
      exportViews: ['specs', 'Bom', 'SOURCING_SUPPLIERITEM_SPECS_PROFILE', 'SPECS', 'sourcing_supplieritem_supplier_profile', 'FILES'],
      bomLevels: 'full',
      revisionStatus: 'Working',
      header: 'NAME',
      format: 'JSON',
      fileContent: { item: 'primary', supplierItem: 'all' },
      enableNotifications: true,
    });
    assert.deepEqual(o, {
      exportViews: ['SPECS', 'BOM', 'SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE', 'FILES'],
      bomLevels: 'FULL',
      revisionStatus: 'WORKING',
      header: 'name',
      format: 'json',
      fileContent: { item: 'PRIMARY', supplierItem: 'ALL' },
      enableNotifications: true,
    });
    assert.equal(normalizeExportOptions({ header: 'apiname' }).header, 'apiName');
    assert.equal(normalizeExportOptions({ format: 'XLSX' }).format, 'xlsx');
    assert.equal(normalizeExportOptions({ revisionStatus: 'potential' }).revisionStatus, 'POTENTIAL');
    assert.deepEqual(normalizeExportOptions({ fileContent: { item: 'ALL' } }).fileContent, { item: 'ALL', supplierItem: 'NONE' });
  });

  it('accepts all ten views', () => {
    const all = [
      'SPECS', 'BOM', 'BOM_SUBSTITUTES', 'SOURCING', 'FILES', 'FILES_FILE_SUMMARY', 'SOURCING_SUPPLIERITEM_SPECS',
      'SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE', 'SOURCING_SUPPLIERITEM_FILES', 'SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY',
    ];
    assert.deepEqual(normalizeExportOptions({ exportViews: all }).exportViews, all);
  });

  it('rejects bad enum values with 3006', () => {
    rejects(() => normalizeExportOptions({ exportViews: ['SPECS', 'CHANGES'] }), 3006,
      'The specified value "CHANGES" is not a valid option for the attribute "exportViews".');
    rejects(() => normalizeExportOptions({ bomLevels: 'TWO' }), 3006, 'The specified value "TWO" is not a valid option for the attribute "bomLevels".');
    rejects(() => normalizeExportOptions({ revisionStatus: 'EFFECTIVE' }), 3006,
      'The specified value "EFFECTIVE" is not a valid option for the attribute "revisionStatus".');
    rejects(() => normalizeExportOptions({ header: 'guid' }), 3006, 'The specified value "guid" is not a valid option for the attribute "header".');
    rejects(() => normalizeExportOptions({ format: 'pdf' }), 3006, 'The specified value "pdf" is not a valid option for the attribute "format".');
    rejects(() => normalizeExportOptions({ fileContent: { item: 'SOME' } }), 3006,
      'The specified value "SOME" is not a valid option for the attribute "item".');
    rejects(() => normalizeExportOptions({ fileContent: { supplierItem: 'SOME' } }), 3006,
      'The specified value "SOME" is not a valid option for the attribute "supplierItem".');
    rejects(() => normalizeExportOptions({ bomLevels: 2 }), 3006, 'The specified value "2" is not a valid option for the attribute "bomLevels".');
  });

  it('rejects supplierItem PRIMARY with 3003', () => {
    rejects(() => normalizeExportOptions({ fileContent: { item: 'PRIMARY', supplierItem: 'PRIMARY' } }), 3003,
      'The value for the attribute "supplierItem" is not valid.');
    rejects(() => normalizeExportOptions({ fileContent: { supplierItem: 'primary' } }), 3003,
      'The value for the attribute "supplierItem" is not valid.');
  });

  it('rejects unknown option keys with 3031', () => {
    rejects(() => normalizeExportOptions({ views: ['SPECS'] }), 3031, 'The attribute "views" is not creatable.');
    rejects(() => normalizeExportOptions({ fileContent: { item: 'ALL', file: 'ALL' } }), 3031, 'The attribute "file" is not creatable.');
  });

  it('rejects wrong shapes', () => {
    rejects(() => normalizeExportOptions('SPECS'), 3003, 'The value for the attribute "options" is not valid.');
    rejects(() => normalizeExportOptions({ exportViews: {} }), 3003, 'The value for the attribute "exportViews" is not valid.');
    rejects(() => normalizeExportOptions({ exportViews: [] }), 3020, 'The value for the attribute "exportViews" cannot be empty.');
    rejects(() => normalizeExportOptions({ fileContent: 'ALL' }), 3003, 'The value for the attribute "fileContent" is not valid.');
    rejects(() => normalizeExportOptions({ enableNotifications: 'yes' }), 3003, 'The value for the attribute "enableNotifications" is not valid.');
  });
});

describe('validateDefinitionBody', () => {
  const ok = { name: 'Model 300', world: 'ITEMS' };

  it('returns the normalised definition with defaults', () => {
    const criteria = [[{ attribute: 'number', operator: 'IS_EQUAL_TO', value: '100' }]];
    assert.deepEqual(validateDefinitionBody({ ...ok, world: 'items', description: 'd', criteria }), {
      name: 'Model 300', description: 'd', world: 'ITEMS', options: DEFAULTS, criteria,
    });
    assert.deepEqual(validateDefinitionBody(ok), { name: 'Model 300', description: null, world: 'ITEMS', options: DEFAULTS, criteria: undefined });
  });

  it('requires name (3001) and bounds it (3003)', () => {
    rejects(() => validateDefinitionBody({ world: 'ITEMS' }), 3001, 'The attribute "name" is required.');
    rejects(() => validateDefinitionBody({ name: '  ', world: 'ITEMS' }), 3001, 'The attribute "name" is required.');
    rejects(() => validateDefinitionBody({ name: null, world: 'ITEMS' }), 3001, 'The attribute "name" is required.');
    rejects(() => validateDefinitionBody({ name: 'x'.repeat(101), world: 'ITEMS' }), 3003, 'The value for the attribute "name" is not valid.');
    rejects(() => validateDefinitionBody({ name: 12, world: 'ITEMS' }), 3003, 'The value for the attribute "name" is not valid.');
    assert.equal(validateDefinitionBody({ name: 'é'.repeat(100), world: 'ITEMS' }).name.length, 100);
  });

  it('requires world (3001) and only accepts ITEMS (3006)', () => {
    rejects(() => validateDefinitionBody({ name: 'n' }), 3001, 'The attribute "world" is required.');
    rejects(() => validateDefinitionBody({ name: 'n', world: 'Changes' }), 3006,
      'The specified value "Changes" is not a valid option for the attribute "world".');
    assert.equal(validateDefinitionBody({ name: 'n', world: 'Items' }).world, 'ITEMS');
  });

  it('bounds description at 4000 (3003)', () => {
    assert.equal(validateDefinitionBody({ ...ok, description: 'd'.repeat(4000) }).description?.length, 4000);
    rejects(() => validateDefinitionBody({ ...ok, description: 'd'.repeat(4001) }), 3003, 'The value for the attribute "description" is not valid.');
    rejects(() => validateDefinitionBody({ ...ok, description: 5 }), 3003, 'The value for the attribute "description" is not valid.');
  });

  it('rejects unknown or system attributes with 3031', () => {
    rejects(() => validateDefinitionBody({ ...ok, name1: 'x' }), 3031, 'The attribute "name1" is not creatable.');
    rejects(() => validateDefinitionBody({ ...ok, guid: 'ABC' }), 3031, 'The attribute "guid" is not creatable.');
    rejects(() => validateDefinitionBody({ ...ok, options: { format: 'csv', bogus: 1 } }), 3031, 'The attribute "bogus" is not creatable.');
  });

  it('validates options inside the body', () => {
    rejects(() => validateDefinitionBody({ ...ok, options: { fileContent: { supplierItem: 'PRIMARY' } } }), 3003,
      'The value for the attribute "supplierItem" is not valid.');
    assert.deepEqual(validateDefinitionBody({ ...ok, options: { exportViews: ['bom'], format: 'Json' } }).options, {
      ...DEFAULTS, exportViews: ['BOM'], format: 'json',
    });
  });

  it('rejects a body that is not an object', () => {
    assert.throws(() => validateDefinitionBody([]), (err: unknown) => err instanceof ArenaError && err.code === 400);
    assert.throws(() => validateDefinitionBody(null), (err: unknown) => err instanceof ArenaError && err.code === 400);
  });
});
