/** The plain-SQL reads of the export floor, one per view (standard SQL: SQLite and PostgreSQL). */
export const EXPORT_FLOOR_QUERIES: Record<string, string> = {
  SPECS: `
    SELECT i.number, r.guid, r.revision_number, r.name, lp.name, c.name, c.path, r.description, r.uom, r.procurement_type,
      o.full_name, r.created_at, r.shared, cr.email, cr.full_name, r.deviated, r.effective_at,
      r.modified_bom, r.modified_files, r.modified_sourcing, r.modified_specs, r.modified_costing,
      r.production_cost, r.prototype_cost, r.target_cost, r.target_price, r.standard_cost,
      r.revision_status, r.superseded_at, r.attrs
    FROM items i JOIN item_revisions r ON r.id = i.latest_rev_id
    LEFT JOIN lifecycle_phases lp ON lp.id = r.lifecycle_phase_id LEFT JOIN categories c ON c.id = r.category_id
    LEFT JOIN users o ON o.id = r.owner_id LEFT JOIN users cr ON cr.id = r.creator_id
    ORDER BY i.number`,
  BOM: `
    SELECT pi.number, p.name, p.revision_number, ci.number, cr.name, cr.revision_number, b.guid, b.line_number,
      b.quantity, b.ref_des, b.notes, b.attrs
    FROM items pi JOIN item_revisions p ON p.id = pi.latest_rev_id JOIN bom_lines b ON b.parent_rev_id = p.id
    JOIN items ci ON ci.id = b.child_item_id JOIN item_revisions cr ON cr.id = ci.latest_rev_id
    ORDER BY pi.number, b.line_number`,
  SOURCING: `
    SELECT r.guid, r.revision_number, r.name, i.number, m.number, v.number, s.approved, s.guid, s.notes,
      s.active_production, s.active_prototype, s.aml_rank, s.aml_split, s.vendor_item_conversion_factor, s.make_item
    FROM items i JOIN item_revisions r ON r.id = i.latest_rev_id JOIN sourcing s ON s.rev_id = r.id
    LEFT JOIN supplier_items m ON m.id = s.mfr_item_id LEFT JOIN supplier_items v ON v.id = s.vendor_item_id
    ORDER BY i.number, s.aml_rank`,
  FILES: `
    SELECT r.guid, r.revision_number, r.name, i.number, f.name, f.location, f.guid, f.number, f.edition, f.title,
      f.storage_method, a.latest_edition_association, a."primary", ''
    FROM items i JOIN item_revisions r ON r.id = i.latest_rev_id JOIN item_files a ON a.rev_id = r.id
    JOIN files f ON f.id = a.file_id
    ORDER BY i.number, f.number`,
};
