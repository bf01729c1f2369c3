// False-match rates too small to count, from the impostor scores' upper tail:
// peaks over a threshold u with an exponential tail (a generalised Pareto with shape
// 0, the usual tail of similarity scores), fitted by maximum likelihood. Above u,
// FMR(t) = p_u · exp(-λ (t - u)), λ = 1 / mean(s - u) over the n exceedances; since
// 2nλ/λ̂ follows χ²(2n), the rate has an exact confidence interval.

/** χ² quantile by the Wilson–Hilferty cube (accurate to a few parts in 1e4 for the hundreds of degrees of freedom used here). */
function chiSquareQuantile(p: number, dof: number): number {
  const z = normalQuantile(p);
  const c = 2 / (9 * dof);
  return dof * (1 - c + z * Math.sqrt(c)) ** 3;
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export interface TailFit {
  /** The threshold the tail starts at, and the fraction of all impostor scores above it. */
  u: number;
  pu: number;
  exceedances: number;
  lambda: number;
  lambdaLow: number;
  lambdaHigh: number;
  /** FMR at t ≥ u: the estimate and its 95% interval. */
  fmr(t: number): { estimate: number; low: number; high: number };
}

/** Fits the tail above the `exceedances` highest of `total` impostor scores (`top`: those scores, any order). */
export function fitExponentialTail(top: number[], total: number, exceedances: number): TailFit {
  const sorted = [...top].sort((a, b) => b - a);
  const u = sorted[exceedances]!;
  const over = sorted.slice(0, exceedances);
  const lambda = exceedances / over.reduce((sum, s) => sum + (s - u), 0);
  const lambdaLow = (lambda * chiSquareQuantile(0.025, 2 * exceedances)) / (2 * exceedances);
  const lambdaHigh = (lambda * chiSquareQuantile(0.975, 2 * exceedances)) / (2 * exceedances);
  const pu = exceedances / total;
  return {
    u,
    pu,
    exceedances,
    lambda,
    lambdaLow,
    lambdaHigh,
    // A smaller λ is a heavier tail: the high end of the FMR interval.
    fmr: (t) => ({ estimate: pu * Math.exp(-lambda * (t - u)), low: pu * Math.exp(-lambdaHigh * (t - u)), high: pu * Math.exp(-lambdaLow * (t - u)) }),
  };
}
