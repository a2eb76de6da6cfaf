import { hashSeed } from '../prng'

/**
 * `symbolId` of an instruments-info row: Bybit's numeric id of the symbol name (a number, the
 * one non-string value of those rows, as the `bybit-api` SDK types it). A hash of the symbol,
 * so it is the same on every run and seed, for the instrument's whole life.
 */
export function symbolId(symbol: string): number {
  return hashSeed('bybit symbol id', symbol) || 1
}

/** `symbolType`: Bybit's product class; crypto pairs and options have none (`""`). */
export const CRYPTO_SYMBOL_TYPE = ''
