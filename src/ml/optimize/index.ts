export {
  type MinimizeResult,
  maximizePositive,
  minimizeMultiStart,
  type NelderMeadOptions,
  nelderMead,
} from './nelder-mead.ts';
export { hyp2f1, lgamma, logAddExp, logHyp2f1, logSubExp, regularizedIncompleteBeta } from './special.ts';
