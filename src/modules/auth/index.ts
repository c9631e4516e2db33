export { authRoutes } from './auth.routes.ts';
export {
  changeMemberPassword,
  generateMemberId,
  getOwnProfile,
  loginMember,
  registerMember,
  updateOwnProfile,
} from './auth.service.ts';
export { hashRefreshToken, revokeSession, rotateRefreshToken } from './auth.tokens.ts';
export type { AuthTokens, LoginInput, MePatch, RegisterInput } from './auth.types.ts';
export {
  assertLoginAllowed,
  type LoginThrottleKeys,
  recordLoginFailure,
  recordLoginSuccess,
} from './login-throttle.ts';
