/**
 * `measurePaced` in a process of its own, so the stack the bench runs in its own process (its
 * worker's warm-ups, the simulator) cannot stall the schedule. Usage:
 * paced-load <origin> <path> <rate> <duration s> <connections>. Prints the summary as JSON.
 */
import { measurePaced } from './measure'

const [origin, path, rate, durationS, connections] = process.argv.slice(2)
if (!origin || !path || !rate || !durationS || !connections)
  throw new Error('usage: see the header')
const summary = await measurePaced(origin, path, {
  rate: Number(rate),
  durationS: Number(durationS),
  connections: Number(connections),
  // Two seconds at the full rate on the same connections first, not counted.
  warmUp: { rate: Number(rate), durationS: 2 },
})
console.log(JSON.stringify(summary))
