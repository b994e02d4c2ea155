export { CryptoRandom } from './crypto-random';
