export {
  type IsotonicBlocks,
  IsotonicCalibrator,
  poolAdjacentViolators,
  type SerializedIsotonicCalibrator,
} from './isotonic.ts';
export {
  PlattCalibrator,
  type PlattFitOptions,
  type SerializedPlattCalibrator,
} from './platt.ts';
