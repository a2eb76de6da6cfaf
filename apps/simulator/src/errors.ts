/**
 * Every failure the simulator raises on purpose. Each class carries a static `code`, so callers
 * and logs can tell a bad environment from a bad run-time request without parsing messages.
 */

/** An environment variable is malformed or out of range; raised before the server listens. */
export class ConfigError extends Error {
  static readonly code = 'SIM_CONFIG_INVALID'
  readonly code = ConfigError.code

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

/** A simulator option or a `POST /__sim/faults` field is unknown or out of range. */
export class SettingError extends Error {
  static readonly code = 'SIM_SETTING_INVALID'
  readonly code = SettingError.code

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SettingError'
  }
}
