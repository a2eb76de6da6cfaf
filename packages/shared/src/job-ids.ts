import { QueueName } from './jobs'

/** Job ids are unique per queue; the public id carries the queue: `coingecko.42`. */
export function publicJobId(queue: QueueName, id: string): string {
  return `${queue}.${id}`
}

export function parsePublicJobId(publicId: string): { queue: QueueName; id: string } | null {
  const dot = publicId.indexOf('.')
  if (dot < 1) return null
  const queue = publicId.slice(0, dot)
  const id = publicId.slice(dot + 1)
  if (
    !(Object.values(QueueName) as string[]).includes(queue) ||
    !/^[A-Za-z0-9._|-]{1,200}$/.test(id)
  ) {
    return null
  }
  return { queue: queue as QueueName, id }
}
