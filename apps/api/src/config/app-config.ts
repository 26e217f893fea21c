import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIsoDateTime } from '@trust-ledger/domain/shared/date-time';
import type { KeyObject } from 'node:crypto';
import {
  parseCheckpointAnchor,
  parsePrivateKey,
  parsePublicKeys,
  type CheckpointAnchor,
} from '@trust-ledger/integrity';
import { decodeMasterKey } from '@trust-ledger/privacy';
import { loadOrCreateJwtSecret } from './jwt-secret';
import { wholeNumberSetting } from './whole-number';
import { loadSecurityConfig, type SecurityConfig } from './security-config';

/** The process's configuration, read once at start from the environment (names fixed by API.md). */
export interface AppConfig extends SecurityConfig {
  port: number;
  /** Absolute; holds the embedded event store, the API's own tables and the generated JWT secret. */
  dataDir: string;
  eventStore: 'sqlite' | 'eventstoredb';
  eventStoreConnectionString?: string;
  /** HS256 secret; resolved from DATA_DIR/jwt-secret when neither it nor a JWKS URL is given. */
  jwtSecret?: string;
  jwtJwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** JWT_MAX_TOKEN_AGE_SECONDS: the longest a token is accepted after its `iat`, whatever its `exp`. */
  jwtMaxTokenAgeSeconds: number;
  ordinanceEffectiveFrom: string;
  /** MASTER_KEY: base64 of 32 bytes wrapping every per-person data key; DATA_DIR/master.key when unset. */
  masterKey?: string;
  /** EVIDENCE_SIGNING_KEY: PKCS#8 PEM of the Ed25519 evidence signing key; generated into DATA_DIR when unset. */
  evidenceSigningKey?: string;
  /** EVIDENCE_TRUSTED_PUBLIC_KEYS: PEM public keys that signed before EVIDENCE_SIGNING_KEY was changed. */
  evidenceTrustedPublicKeys: KeyObject[];
  /** INTEGRITY_CHECKPOINT_INTERVAL_MS: how often stream heads are checkpointed; 0 turns the timer off. */
  integrityCheckpointIntervalMs: number;
  /** INTEGRITY_ANCHOR: a checkpoint's `<revision>:<digest>` kept outside the database. */
  integrityAnchor?: CheckpointAnchor;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The longest delay a Node timer honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A token outlives a shift by little: a stolen one is not good for days. */
const DEFAULT_MAX_TOKEN_AGE_SECONDS = 12 * 60 * 60;
/** A week at most: longer is no limit on a stolen token. */
const MAX_TOKEN_AGE_SECONDS = 7 * 24 * 60 * 60;

/** Shorter secrets make HS256 tokens brute-forceable. */
const MIN_SECRET_LENGTH = 32;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** EVIDENCE_TRUSTED_PUBLIC_KEYS: PEM public keys one after another, `\n` allowed for line breaks. */
export function trustedPublicKeysIn(env: NodeJS.ProcessEnv): KeyObject[] {
  const text = env.EVIDENCE_TRUSTED_PUBLIC_KEYS?.trim().replace(/\\n/g, '\n');
  return text ? parsePublicKeys(text, 'EVIDENCE_TRUSTED_PUBLIC_KEYS') : [];
}

export const sqliteStoreFile = (config: AppConfig): string => join(config.dataDir, 'trust-ledger.db');

export interface DataDirOptions {
  /** The CLI's `verify`: DATA_DIR must exist and no JWT secret is made. */
  readOnly?: boolean;
  /** The CLI's `token` and `import`: no DATA_DIR is made, since a mistyped one would be, and the
   * secret or the log written there lost to the service reading the real one. */
  existingDataDir?: boolean;
}

/** `readConfig`, then `prepareDataDir`: the configuration a process that uses DATA_DIR at once needs. */
export function loadConfig(
  overrides: Partial<AppConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
  options: DataDirOptions = {},
): AppConfig {
  return prepareDataDir(readConfig(overrides, env), options);
}

/**
 * Reads the environment, applies explicit overrides (tests, CLI) and validates everything at once,
 * so that an operator sees every mistake in one message. Writes nothing: the service holds its port
 * before `prepareDataDir` creates DATA_DIR and the JWT secret, so that a start that cannot bind
 * leaves no trace. Its `jwtSecret` is JWT_SECRET's until then.
 */
export function readConfig(
  overrides: Partial<AppConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const portText = str('PORT') ?? '3000';
  const port = overrides.port ?? Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be an integer 0–65535, got "${portText}"`);

  const eventStoreText = str('EVENT_STORE') ?? 'sqlite';
  const eventStore = overrides.eventStore ?? eventStoreText;
  if (eventStore !== 'sqlite' && eventStore !== 'eventstoredb') {
    problems.push(`EVENT_STORE must be "sqlite" or "eventstoredb", got "${eventStoreText}"`);
  }
  const eventStoreConnectionString =
    overrides.eventStoreConnectionString ?? str('EVENTSTORE_CONNECTION_STRING');
  if (eventStore === 'eventstoredb' && !/^esdb(\+discover)?:\/\/.+/.test(eventStoreConnectionString ?? '')) {
    problems.push(
      'EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (esdb://… or esdb+discover://…)',
    );
  }

  const jwtSecret = overrides.jwtSecret ?? str('JWT_SECRET');
  const jwtJwksUrl = overrides.jwtJwksUrl ?? str('JWT_JWKS_URL');
  const jwtIssuer = overrides.jwtIssuer ?? str('JWT_ISSUER');
  const jwtAudience = overrides.jwtAudience ?? str('JWT_AUDIENCE');
  if (jwtSecret !== undefined && jwtJwksUrl !== undefined) {
    problems.push(
      'set either JWT_SECRET or JWT_JWKS_URL, not both: tokens must have exactly one trusted issuer',
    );
  }
  if (jwtSecret !== undefined && jwtSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (jwtJwksUrl !== undefined) {
    if (!isJwksUrl(jwtJwksUrl)) {
      problems.push(
        `JWT_JWKS_URL must be an https URL (http only on this host's loopback), got "${jwtJwksUrl}"`,
      );
    }
    if (!jwtIssuer || !jwtAudience) problems.push('JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE');
  }

  const ordinanceEffectiveFrom =
    overrides.ordinanceEffectiveFrom ?? str('ORDINANCE_EFFECTIVE_FROM') ?? '2000-01-01T00:00:00Z';
  if (!isIsoDateTime(ordinanceEffectiveFrom)) {
    problems.push(
      `ORDINANCE_EFFECTIVE_FROM must be an ISO 8601 date-time with offset, got "${ordinanceEffectiveFrom}"`,
    );
  }

  const jwtMaxTokenAgeSeconds = wholeNumberSetting(
    {
      name: 'JWT_MAX_TOKEN_AGE_SECONDS',
      text: str('JWT_MAX_TOKEN_AGE_SECONDS'),
      override: overrides.jwtMaxTokenAgeSeconds,
      fallback: DEFAULT_MAX_TOKEN_AGE_SECONDS,
    },
    { min: 60, max: MAX_TOKEN_AGE_SECONDS, what: `of seconds from 60 to ${MAX_TOKEN_AGE_SECONDS}` },
    problems,
  );

  // Checked here with the rest, so that a mistake is one line among the others, not a module's
  // failure at start-up; the keys are read where they are used (files in DATA_DIR too).
  const masterKey = overrides.masterKey ?? str('MASTER_KEY');
  if (masterKey !== undefined) problemOf(problems, () => decodeMasterKey(masterKey, 'MASTER_KEY'));
  // A PEM in an environment file often has its line breaks written as "\n".
  const evidenceSigningKey =
    overrides.evidenceSigningKey ?? str('EVIDENCE_SIGNING_KEY')?.replace(/\\n/g, '\n');
  if (evidenceSigningKey !== undefined) {
    problemOf(problems, () => parsePrivateKey(evidenceSigningKey, 'EVIDENCE_SIGNING_KEY'));
  }
  // Public, so parsed here with the rest: a mistake in it would otherwise surface as integrity breaks.
  let evidenceTrustedPublicKeys = overrides.evidenceTrustedPublicKeys ?? [];
  if (overrides.evidenceTrustedPublicKeys === undefined) {
    try {
      evidenceTrustedPublicKeys = trustedPublicKeysIn(env);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  // Node runs a longer timer every millisecond instead.
  const integrityCheckpointIntervalMs = wholeNumberSetting(
    {
      name: 'INTEGRITY_CHECKPOINT_INTERVAL_MS',
      text: str('INTEGRITY_CHECKPOINT_INTERVAL_MS'),
      override: overrides.integrityCheckpointIntervalMs,
      fallback: 60_000,
    },
    { min: 0, max: MAX_TIMER_MS, what: `of milliseconds from 0 (off) to ${MAX_TIMER_MS}` },
    problems,
  );

  const anchorText = str('INTEGRITY_ANCHOR');
  let integrityAnchor = overrides.integrityAnchor;
  if (integrityAnchor === undefined && anchorText !== undefined) {
    try {
      integrityAnchor = parseCheckpointAnchor(anchorText, 'INTEGRITY_ANCHOR');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }

  // Rate limits, proxies, CORS, logging (security-config.ts).
  const security = loadSecurityConfig(overrides, env, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port,
    dataDir: resolve(overrides.dataDir ?? str('DATA_DIR') ?? './data'),
    eventStore: eventStore as AppConfig['eventStore'],
    eventStoreConnectionString,
    jwtSecret,
    jwtJwksUrl,
    jwtIssuer,
    jwtAudience,
    jwtMaxTokenAgeSeconds,
    ordinanceEffectiveFrom,
    ...security,
    masterKey,
    evidenceSigningKey,
    evidenceTrustedPublicKeys,
    integrityCheckpointIntervalMs,
    integrityAnchor,
  };
}

/** Creates DATA_DIR (unless `existingDataDir`) and, when tokens are signed here, the JWT secret in it. */
export function prepareDataDir(
  config: AppConfig,
  { readOnly = false, existingDataDir = readOnly }: DataDirOptions = {},
): AppConfig {
  const { dataDir } = config;
  if (existingDataDir) {
    // A mistyped DATA_DIR must not be made, let alone pass for an empty, intact log.
    if (!existsSync(dataDir)) {
      throw new ConfigError([
        `DATA_DIR ${dataDir} does not exist: set it to the service's, or make it first for a new installation`,
      ]);
    }
  } else {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw new ConfigError([`DATA_DIR ${dataDir} cannot be created: ${(e as Error).message}`]);
    }
  }
  const signsHere = config.jwtJwksUrl === undefined && config.jwtSecret === undefined && !readOnly;
  return signsHere ? { ...config, jwtSecret: loadOrCreateJwtSecret(dataDir) } : config;
}

/** Whoever can alter the keys on their way can mint any role's token: https, or never leave the host. */
function isJwksUrl(text: string): boolean {
  try {
    const url = new URL(text);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  } catch {
    return false;
  }
}

/** Runs a check that throws, and keeps its message among the problems. */
function problemOf(problems: string[], check: () => unknown): void {
  try {
    check();
  } catch (e) {
    problems.push((e as Error).message);
  }
}
