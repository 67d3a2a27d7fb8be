'use strict'
/*
 * Starts the reference Bluesky servers (PLC directory, PDS, AppView, and the
 * Ozone moderation service TestNetwork insists on) from @atproto/dev-env for
 * SMM Desk's integration tests, all on 127.0.0.1 and all talking only to
 * 127.0.0.1.
 *
 * Needs in the environment (tests/integration/conftest.py sets them):
 *   DB_POSTGRES_URL  a throwaway PostgreSQL database (the AppView and Ozone use it)
 *   REDIS_HOST       must be set, though nothing connects to it
 *   TMPDIR           a scratch folder: the PDS keeps its data and blobs in os.tmpdir()
 *
 * Prints ONE JSON line to stdout when the network is up:
 *   {"smmdesk_pds": "ready", "pds": "http://127.0.0.1:P", "appview": ..., "plc": ..., "ozone": ...,
 *    "startup_seconds": 5.1}
 * then waits. SIGTERM, SIGINT or the end of stdin shut the network down, run
 * SMMDESK_PDS_ON_EXIT if set (a JSON argv) and exit 0; a failed start prints {"smmdesk_pds": "failed", "error": "..."} and exits 1.
 *
 * loopback_only.js (loaded first) keeps every server and every connection on
 * 127.0.0.1; see there.
 */

const started = Date.now()
require('./loopback_only')

const LOOPBACK = '127.0.0.1'

// ---- the network ------------------------------------------------------------
const { TestNetwork } = require('@atproto/dev-env')

const loopbackUrl = (url) => url.replace('//localhost:', `//${LOOPBACK}:`)
let network = null
let stopping = false

async function stop(code) {
  if (stopping) return
  stopping = true
  // Never hang on shutdown: a stuck close must not keep the test run waiting.
  setTimeout(() => process.exit(code), 15000).unref()
  try {
    if (network) await network.close()
  } catch (err) {
    process.stderr.write(`smmdesk-launcher: shutdown error: ${err && err.stack}\n`)
  }
  runOnExit()
  process.exit(code)
}

// SMMDESK_PDS_ON_EXIT: a JSON argv run after the network is closed (pds_network.py
// passes "stop the PostgreSQL cluster"), so a test run killed with -9, whose stdin
// closes, leaves no database server behind either.
function runOnExit() {
  const command = process.env.SMMDESK_PDS_ON_EXIT
  if (!command) return
  try {
    const [file, ...args] = JSON.parse(command)
    require('node:child_process').spawnSync(file, args, { stdio: 'ignore', timeout: 30000 })
  } catch (err) {
    process.stderr.write(`smmdesk-launcher: on-exit command failed: ${err}\n`)
  }
}

process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
process.stdin.on('end', () => stop(0))
process.stdin.on('error', () => stop(0))
process.stdin.resume()

async function main() {
  for (const name of ['DB_POSTGRES_URL', 'REDIS_HOST']) {
    if (!process.env[name]) throw new Error(`${name} is not set`)
  }
  network = await TestNetwork.create({ dbPostgresSchema: 'smmdesk' })
  if (stopping) return
  const ready = {
    smmdesk_pds: 'ready',
    pds: loopbackUrl(network.pds.url),
    appview: loopbackUrl(network.bsky.url),
    plc: loopbackUrl(network.plc.url),
    ozone: loopbackUrl(network.ozone.url),
    startup_seconds: (Date.now() - started) / 1000,
  }
  process.stdout.write(JSON.stringify(ready) + '\n')
}

main().catch((err) => {
  const error = String((err && err.stack) || err)
  process.stdout.write(JSON.stringify({ smmdesk_pds: 'failed', error }) + '\n')
  stop(1)
})
