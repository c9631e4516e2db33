export {
  CATALOGUE_TTL_MS,
  type CatalogueItem,
  forgetCatalogueItems,
  loadCatalogue,
} from './items.catalogue.ts';
export { itemRoutes } from './items.routes.ts';
export { getItem, rowToItem, saveItems, type UpsertItemsResult, upsertItems } from './items.service.ts';
export {
  boundedObjectSchema,
  CATEGORY_SEPARATOR,
  type ItemDto,
  type ItemInput,
  type ItemRecord,
  itemSchema,
  type Money,
  moneySchema,
  storeIdSchema,
} from './items.types.ts';
