// Layer: core/formats. The Apple Device Tree reader/writer's public surface. Imports this folder only.
export { AdtNode, type AdtProperty } from './node.ts';
export { parseAdt, type ParseAdtOptions, ADT_NODE_HEADER_SIZE, ADT_PROP_HEADER_SIZE, ADT_PROP_NAME_SIZE, ADT_TEMPLATE_FLAG, ADT_SIZE_MASK, ADT_MAX_DEPTH } from './parse.ts';
export { serializeAdt, adtSize } from './serialize.ts';
export { buildAdt, type AdtNodeSpec } from './build.ts';
export { adtCells, adtReg, adtRanges, adtRegPhys, translateAddress, physToBusAddress, type AdtRegEntry, type AdtRange, type TranslateOptions } from './addresses.ts';
export { findNode, getNode, findCompatible, findByPhandle, isCompatible } from './lookup.ts';
export { formatAdt } from './format.ts';
export { AdtError, AdtErrorCode, type AdtErrorCodeName } from './errors.ts';
export * from './values.ts';
