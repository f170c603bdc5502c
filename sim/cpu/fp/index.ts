// Layer: sim/cpu/fp. The floating-point helpers shared by the scalar and vector executors
// (see README.md for the calling convention). Imports this folder only.
export * from './constants.ts';
export { classify, signOf, defaultNaN, quietNaN, zeroOf, infOf, toNumber, fromNumber } from './bits.ts';
export { processNaN, processNaNs, processNaNs3, flushType, flushesInputs } from './nan.ts';
export { roundExact, exactOf, type Exact } from './round.ts';
export { fpAdd, fpSub, fpMul, fpDiv, fpSqrt, fpMulAdd, fpMax, fpMin, fpMaxNum, fpMinNum } from './arith.ts';
export { fpCompare, fpCompareEq, fpCompareGe, fpCompareGt, NZCV_UNORDERED, NZCV_EQUAL, NZCV_LESS, NZCV_GREATER } from './compare.ts';
export { fpConvert, fpToFixed, fixedToFp, fpRoundInt, fpRoundIntN, fpToFixedJS, fpExpandImm, roundToIntegral } from './convert.ts';
