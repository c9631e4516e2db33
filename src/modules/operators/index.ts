export { ensureBootstrapApiKey, ensureFirstAdmin, type FirstAdminResult } from './bootstrap.ts';
export { operatorRoutes } from './operators.routes.ts';
export {
  type Actor,
  createOperator,
  getOperator,
  getOperatorByUsername,
  listOperators,
  loginOperator,
  toOperatorDto,
  updateOperatorById,
} from './operators.service.ts';
export type { CreateOperatorInput, OperatorDto, UpdateOperatorInput } from './operators.types.ts';
export { OPERATOR_PASSWORD_MIN_LENGTH } from './operators.types.ts';
