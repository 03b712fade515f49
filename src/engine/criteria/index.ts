/**
 * Criteria: the Arena criteria JSON shared by export runs and `GET /items?criteria=`.
 *
 * ```ts
 * const ctx = await loadCriteriaContext(store, workspaceId);
 * if (!isEmptyCriteria(json)) query = query.where(compileCriteria(parseCriteria(json, ctx), ctx));
 * ```
 */
export { type AttributeDef, type AttributeKind, type CriteriaContext, type CustomAttribute, type Operator, OPERATORS, loadCriteriaContext } from './attributes.js';
export { type Criteria, type Criterion, type CriterionValue, type DateValue, isEmptyCriteria, parseCriteria } from './parse.js';
export { compileCriteria } from './compile.js';
