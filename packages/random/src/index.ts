export { CryptoRandom } from './crypto-random';
export { SeededRandom, type Seed } from './seeded-random';
