/** Six 4-pixel binary rows: a tiny data set for Bernoulli models (mixtures, VAEs) in tests. */
export const BINARY_ROWS = [
  [0, 1, 1, 0],
  [1, 0, 0, 1],
  [1, 1, 0, 0],
  [0, 0, 1, 1],
  [1, 0, 1, 0],
  [0, 1, 0, 1],
];
