/**
 * `measurePaced` in a process of its own, so the stack the bench runs in its own process (its
 * worker's warm-ups, the simulator) cannot stall the schedule. Usage:
 * paced-load <origin> <path> <rate> <duration s> <connections>. Prints the summary as JSON.
 */
import { measurePaced } from './measure'

const [origin, path, rate, durationS, connections] = process.argv.slice(2)
if (!origin || !path || !rate || !durationS || !connections)
  throw new Error('usage: see the header')
// Two seconds at a quarter of the rate first, discarded: a cold client (its JIT, its
// connections) would otherwise fall behind the schedule in its first few hundred milliseconds.
await measurePaced(origin, path, {
  rate: Math.ceil(Number(rate) / 4),
  durationS: 2,
  connections: Number(connections),
})
const summary = await measurePaced(origin, path, {
  rate: Number(rate),
  durationS: Number(durationS),
  connections: Number(connections),
})
console.log(JSON.stringify(summary))
