export { riskCaseRoutes } from './risk.cases-routes.ts';
export { type IpRange, ipv4ToNumber, replaceIpRanges } from './risk.ip-ranges.ts';
export { riskPurgeJob } from './risk.purge.ts';
export { riskRoutes } from './risk.routes.ts';
export { checkRisk } from './risk.service.ts';
export { RISK_ACTIONS, type RiskAction, type RiskCheckInput, type RiskCheckResult } from './risk.types.ts';
