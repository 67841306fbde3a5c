import type { Distribution } from './distribution';
import type { DistributionClass, KLFunction } from './kl';
import { klNormalNormal } from './kl-normal';
import { klIndependentIndependent, klNormalUniform, klUniformNormal, klUniformUniform } from './kl-uniform-independent';
import { Independent } from './independent';
import { Uniform } from './uniform';
import { Normal } from './normal';
import { Bernoulli } from './bernoulli';
import { Categorical } from './categorical';
import { OneHotCategorical } from './one-hot-categorical';
import { klBernoulliBernoulli, klCategoricalCategorical } from './kl-discrete';
import { klMvnDiagMvnDiag, klMvnDiagMvnTriL, klMvnTriLMvnDiag, klMvnTriLMvnTriL } from './kl-multivariate-normal';
import { MultivariateNormalDiag } from './multivariate-normal-diag';
import { MultivariateNormalTriL } from './multivariate-normal-tril';
import { Cauchy } from './cauchy';
import { Exponential } from './exponential';
import { HalfNormal } from './half-normal';
import { Laplace } from './laplace';
import { LogNormal } from './log-normal';
import { Beta } from './beta';
import { Dirichlet } from './dirichlet';
import { Gamma } from './gamma';
import { klBetaBeta, klDirichletDirichlet, klGammaGamma } from './kl-gamma-family';
import { Binomial } from './binomial';
import { ContinuousBernoulli } from './continuous-bernoulli';
import { Poisson } from './poisson';
import {
  klBernoulliPoisson,
  klBinomialBinomial,
  klInfinite,
  klNormalLaplace,
  klPoissonPoisson,
  klToContinuousBernoulli,
  klToExponential,
  klToGamma,
  klToNormal,
  klUniformBeta,
} from './kl-cross-family';
import { klCauchyCauchy, klExponentialExponential, klHalfNormalHalfNormal, klLaplaceLaplace, klLogNormalLogNormal } from './kl-location-scale';

function pair<P extends Distribution, Q extends Distribution>(p: DistributionClass<P>, q: DistributionClass<Q>, fn: KLFunction<P, Q>) {
  return { p: p as DistributionClass, q: q as DistributionClass, fn: fn as KLFunction };
}

/**
 * The built-in closed forms, as data: `kl` consults this list, so nothing is
 * registered by importing a module (tree-shaking keeps working).
 */
export const BUILTIN_KL: ReadonlyArray<{ p: DistributionClass; q: DistributionClass; fn: KLFunction }> = [
  pair(Normal, Normal, klNormalNormal),
  pair(Bernoulli, Bernoulli, klBernoulliBernoulli),
  pair(Categorical, Categorical, klCategoricalCategorical),
  pair(Uniform, Uniform, klUniformUniform),
  pair(Uniform, Normal, klUniformNormal),
  pair(Normal, Uniform, klNormalUniform),
  pair(Independent, Independent, klIndependentIndependent),
  pair(MultivariateNormalDiag, MultivariateNormalDiag, klMvnDiagMvnDiag),
  pair(MultivariateNormalTriL, MultivariateNormalTriL, klMvnTriLMvnTriL),
  pair(MultivariateNormalDiag, MultivariateNormalTriL, klMvnDiagMvnTriL),
  pair(MultivariateNormalTriL, MultivariateNormalDiag, klMvnTriLMvnDiag),
  pair(Exponential, Exponential, klExponentialExponential),
  pair(Laplace, Laplace, klLaplaceLaplace),
  pair(LogNormal, LogNormal, klLogNormalLogNormal),
  pair(HalfNormal, HalfNormal, klHalfNormalHalfNormal),
  pair(Cauchy, Cauchy, klCauchyCauchy),
  pair(Gamma, Gamma, klGammaGamma),
  pair(Beta, Beta, klBetaBeta),
  pair(Dirichlet, Dirichlet, klDirichletDirichlet),
  pair(OneHotCategorical, OneHotCategorical, (p: OneHotCategorical, q: OneHotCategorical) => klCategoricalCategorical(p.categorical, q.categorical)),
  pair(Poisson, Poisson, klPoissonPoisson),
  pair(Binomial, Binomial, klBinomialBinomial),
  pair(Bernoulli, Poisson, klBernoulliPoisson),
  pair(ContinuousBernoulli, ContinuousBernoulli, klToContinuousBernoulli),
  // Across families, the pairs torch.distributions registers among latent's.
  ...[Beta, ContinuousBernoulli, Exponential, Gamma, Laplace].map((P) => pair(P, Normal, klToNormal)),
  ...[Beta, ContinuousBernoulli, Gamma, Uniform].map((P) => pair(P, Exponential, klToExponential)),
  ...[Beta, Exponential, Uniform].map((P) => pair(P, Gamma, klToGamma)),
  ...[Beta, Uniform].map((P) => pair(P, ContinuousBernoulli, klToContinuousBernoulli)),
  pair(Uniform, Beta, klUniformBeta),
  pair(Normal, Laplace, klNormalLaplace),
  // Supports that do not nest: p has mass where q has none.
  ...[Exponential, Gamma, Laplace, Normal].flatMap((P) => [Beta, ContinuousBernoulli].map((Q) => pair(P, Q, klInfinite))),
  ...[Exponential, Gamma, Laplace].map((P) => pair(P, Uniform, klInfinite)),
  ...[Laplace, Normal].flatMap((P) => [Exponential, Gamma].map((Q) => pair(P, Q, klInfinite))),
  pair(Poisson, Bernoulli, klInfinite),
  pair(Poisson, Binomial, klInfinite),
];
