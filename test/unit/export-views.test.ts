/** Golden header rows of the ten export views (spec §7 order) and custom attribute titling. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeExportOptions } from '../../src/engine/export/options.js';
import { type CustomAttributes, noCustomAttributes } from '../../src/engine/export/views/custom-attributes.js';
import { VIEWS, viewTitles } from '../../src/engine/export/views/index.js';
import type { ColumnContext } from '../../src/engine/export/views/view.js';

function ctx(header: 'apiName' | 'name' = 'apiName', attributes: CustomAttributes = noCustomAttributes()): ColumnContext {
  return { options: normalizeExportOptions({ header }), attributes, missingContent: new Set() };
}

const FILE_SUMMARY = [
  'name', 'location', 'number', 'edition', 'title', 'storageMethodName', 'category.guid', 'category.name', 'category.path', 'guid',
  'description', 'author.fullName', 'format', 'size', 'creationDateTime', 'lastModifiedDateTime', 'hasMarkup', 'mimeType', 'private',
  'latest', 'locked', 'contentPath',
];

const GOLDEN: Record<string, string[]> = {
  SPECS: [
    'number', 'guid', 'revisionNumber', 'name', 'lifecyclePhase.name', 'category.name', 'category.path', 'description', 'uom',
    'procurementType', 'offTheShelf', 'owner.fullName', 'creationDateTime', 'shared', 'creator.email', 'creator.fullName', 'deviated',
    'effectiveDateTime', 'isAssembly', 'modifiedBOM', 'modifiedFiles', 'modifiedSourcing', 'modifiedSpecs', 'modifiedCosting',
    'productionCost', 'prototypeCost', 'targetCost', 'targetPrice', 'standardCost', 'revisionStatus', 'supersededDateTime',
  ],
  BOM: [
    'parent.number', 'parent.name', 'parent.revisionNumber', 'item.number', 'item.name', 'item.revisionNumber', 'guid', 'lineNumber',
    'quantity', 'refDes', 'notes',
  ],
  BOM_SUBSTITUTES: [
    'parent.number', 'parent.guid', 'parent.revisionNumber', 'parent.name', 'item.number', 'item.guid', 'item.revisionNumber', 'item.name',
    'substitute.number', 'substitute.guid', 'substitute.revisionNumber', 'substitute.name', 'bom.guid', 'guid', 'rank', 'quantity', 'notes',
  ],
  SOURCING: [
    'parent.guid', 'parent.revisionNumber', 'parent.name', 'parent.number', 'mfrItem.number', 'mfrItem.supplier.name', 'vendorItem.number',
    'vendorItem.supplier.name', 'approved', 'guid', 'notes', 'activeProduction', 'activePrototype', 'amlRank', 'amlSplit',
    'vendorItemConversionFactor', 'makeItem',
  ],
  FILES: [
    'parent.guid', 'parent.revisionNumber', 'parent.name', 'parent.number', 'file.name', 'file.location', 'file.guid', 'file.number',
    'file.edition', 'file.title', 'file.storageMethodName', 'latestEditionAssociation', 'primary', 'contentPath',
  ],
  FILES_FILE_SUMMARY: FILE_SUMMARY,
  SOURCING_SUPPLIERITEM_SPECS: [
    'number', 'supplier.name', 'supplier.guid', 'name', 'type', 'uom', 'description', 'procurementType', 'offTheShelf', 'guid',
    'creationDateTime', 'creator.fullName', 'creator.email',
  ],
  SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE: [
    'name', 'supplierId', 'accountNumber', 'description', 'website', 'approvalStatus', 'guid', 'creationDateTime', 'creator.fullName',
    'creator.guid', 'creator.email',
  ],
  SOURCING_SUPPLIERITEM_FILES: [
    'parent.number', 'parent.supplier.name', 'parent.supplier.guid', 'parent.guid', 'parent.name', 'file.name', 'file.location',
    'file.number', 'file.edition', 'file.title', 'file.storageMethodName', 'guid', 'primary', 'contentPath',
  ],
  SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY: FILE_SUMMARY,
};

describe('export view headers', () => {
  it('covers the ten views', () => {
    assert.deepEqual(Object.keys(VIEWS).sort(), Object.keys(GOLDEN).sort());
  });

  for (const [view, titles] of Object.entries(GOLDEN)) {
    it(`${view} has the golden header`, () => {
      assert.deepEqual(viewTitles(view as keyof typeof VIEWS, ctx()), titles);
      assert.equal(VIEWS[view as keyof typeof VIEWS].name, view);
    });
  }

  it('keeps worksheet names within Excel limits and unique', () => {
    const names = Object.values(VIEWS).map((v) => v.sheetName);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(n.length <= 31 && !/[[\]:*?/\\]/.test(n), n);
  });

  const attributes: CustomAttributes = {
    ITEM: [
      { guid: 'ATTRITEM000000000001', name: 'Tolerance', fieldType: 'SINGLE_LINE_TEXT', multiSelect: false },
      { guid: 'ATTRITEM000000000002', name: 'name', fieldType: 'SINGLE_LINE_TEXT', multiSelect: false },
      { guid: 'ATTRITEM000000000003', name: 'Tolerance', fieldType: 'NUMBER', multiSelect: false },
    ],
    BOM: [{ guid: 'ATTRBOM0000000000001', name: 'Torque', fieldType: 'NUMBER', multiSelect: false }],
    SUPPLIER_ITEM: [{ guid: 'ATTRSI00000000000001', name: 'RoHS', fieldType: 'BOOLEAN', multiSelect: false }],
    SUPPLIER: [{ guid: 'ATTRSUP0000000000001', name: 'Region', fieldType: 'FIXED_DROP_DOWN', multiSelect: true }],
  };

  it('appends custom attributes titled by GUID with header apiName', () => {
    const c = ctx('apiName', attributes);
    assert.deepEqual(viewTitles('SPECS', c).slice(GOLDEN.SPECS.length), ['ATTRITEM000000000001', 'ATTRITEM000000000002', 'ATTRITEM000000000003']);
    assert.deepEqual(viewTitles('BOM', c).slice(GOLDEN.BOM.length), ['ATTRBOM0000000000001']);
    assert.deepEqual(viewTitles('SOURCING_SUPPLIERITEM_SPECS', c).slice(-1), ['ATTRSI00000000000001']);
    assert.deepEqual(viewTitles('SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE', c).slice(-1), ['ATTRSUP0000000000001']);
    assert.deepEqual(viewTitles('SOURCING', c), GOLDEN.SOURCING);
  });

  it('titles custom attributes by display name with header name, falling back to the GUID on a clash', () => {
    const c = ctx('name', attributes);
    assert.deepEqual(viewTitles('SPECS', c).slice(GOLDEN.SPECS.length), ['Tolerance', 'ATTRITEM000000000002', 'ATTRITEM000000000003']);
    assert.deepEqual(viewTitles('BOM', c).slice(GOLDEN.BOM.length), ['Torque']);
    assert.deepEqual(viewTitles('SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE', c).slice(-1), ['Region']);
  });

  it('reads custom values typed: multi-select joined with ;, booleans and numbers typed', () => {
    const c = ctx('apiName', attributes);
    // rows are the field arrays of each view; attrs is the last field of the views with custom attributes
    const specs = VIEWS.SPECS.columns(c);
    const row = [...new Array(30).fill(null), JSON.stringify({ ATTRITEM000000000001: 'x', ATTRITEM000000000003: '2.5' })];
    const cells = specs.slice(GOLDEN.SPECS.length).map((col) => col.value(row));
    assert.deepEqual(cells, ['x', null, 2.5]);
    assert.equal(specs[0].value(['100-A']), '100-A');
    const sup = VIEWS.SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE.columns(c).at(-1)!;
    assert.equal(sup.value([...new Array(11).fill(null), JSON.stringify({ ATTRSUP0000000000001: ['EU', 'US'] })]), 'EU;US');
    const si = VIEWS.SOURCING_SUPPLIERITEM_SPECS.columns(c).at(-1)!;
    assert.equal(si.value([...new Array(12).fill(null), JSON.stringify({ ATTRSI00000000000001: 1 })]), true);
    assert.equal(si.value([...new Array(12).fill(null), 'not json']), null);
  });
});
