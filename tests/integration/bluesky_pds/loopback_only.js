'use strict'
/*
 * Keeps a Node process on this computer: loaded first by launcher.js.
 *
 * The dev-env servers call listen(port) without a host (every interface) and
 * build their URLs from "localhost" (which may resolve to ::1). Here every
 * listen is forced onto 127.0.0.1, every outgoing TCP connection must go to
 * 127.0.0.1 (or a Unix socket), and name lookups other than "localhost" are
 * refused. Anything refused is reported on stderr as a line starting with
 * "smmdesk-launcher: blocked", so the tests can assert there was none.
 */

const net = require('node:net')
const dns = require('node:dns')

const LOOPBACK = '127.0.0.1'
const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1'])

function blocked(what) {
  process.stderr.write(`smmdesk-launcher: blocked ${what}\n`)
  const err = new Error(`smmdesk launcher: ${what} is not allowed (127.0.0.1 only)`)
  err.code = 'ECONNREFUSED'
  return err
}

// ---- every server on 127.0.0.1 -------------------------------------------
const isPipeName = (s) => typeof s === 'string' && !/^\d+$/.test(s)
const originalListen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const first = args[0]
  if (first !== null && typeof first === 'object') {
    // listen(options[, cb]) or listen(handle[, ...]): only TCP options get a host.
    if (first.path === undefined && first._handle === undefined && first.fd === undefined &&
        first.handle === undefined) {
      args[0] = { ...first, host: LOOPBACK, ipv6Only: false }
    }
  } else if (isPipeName(first)) {
    // A Unix socket path: local by nature.
  } else if (typeof first === 'function' || first === undefined) {
    args.splice(0, 0, 0, LOOPBACK) // listen([cb]) -> listen(0, host[, cb])
  } else if (typeof args[1] === 'string') {
    args[1] = LOOPBACK // listen(port, host, ...)
  } else {
    args.splice(1, 0, LOOPBACK) // listen(port[, backlog][, cb])
  }
  return originalListen.apply(this, args)
}

// ---- every connection to 127.0.0.1 ----------------------------------------
function loopbackOptions(options) {
  if (options.path !== undefined && options.path !== null) return options // Unix socket
  const host = options.host === undefined || options.host === null ? 'localhost' : String(options.host)
  if (!LOCAL_NAMES.has(host.replace(/^\[|\]$/g, ''))) throw blocked(`connection to ${host}:${options.port}`)
  return { ...options, host: LOOPBACK, lookup: undefined }
}

const originalConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const first = args[0]
  try {
    if (Array.isArray(first)) {
      // net.connect() hands over its normalised [options, cb] array (with a private symbol).
      first[0] = loopbackOptions(first[0])
    } else if (first !== null && typeof first === 'object') {
      args[0] = loopbackOptions(first)
    } else if (isPipeName(first)) {
      // Unix socket path.
    } else if (typeof args[1] === 'string') {
      loopbackOptions({ host: args[1], port: first })
      args[1] = LOOPBACK
    } else {
      args.splice(1, 0, LOOPBACK)
    }
  } catch (err) {
    // Fail the way a refused connection does: asynchronously, on the socket.
    process.nextTick(() => this.destroy(err))
    return this
  }
  return originalConnect.apply(this, args)
}

// ---- no name lookups beyond localhost --------------------------------------
dns.lookup = function (hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback
  const opts = typeof options === 'function' ? {} : (typeof options === 'number' ? { family: options } : options || {})
  if (!LOCAL_NAMES.has(String(hostname))) {
    process.nextTick(cb, blocked(`name lookup of ${hostname}`))
    return {}
  }
  if (opts.all) return process.nextTick(cb, null, [{ address: LOOPBACK, family: 4 }])
  return process.nextTick(cb, null, LOOPBACK, 4)
}
dns.promises.lookup = async (hostname, options = {}) => {
  if (!LOCAL_NAMES.has(String(hostname))) throw blocked(`name lookup of ${hostname}`)
  return options.all ? [{ address: LOOPBACK, family: 4 }] : { address: LOOPBACK, family: 4 }
}
for (const name of Object.keys(dns)) {
  // resolveTxt & co. would ask the system's name server (handle resolution).
  if (/^resolve/.test(name) && typeof dns[name] === 'function') {
    dns[name] = (host, ...rest) => {
      const cb = rest[rest.length - 1]
      const err = blocked(`DNS query ${name}(${host})`)
      err.code = 'ENOTFOUND'
      process.nextTick(cb, err)
    }
  }
  if (/^resolve/.test(name) && typeof dns.promises[name] === 'function') {
    dns.promises[name] = async (host) => {
      const err = blocked(`DNS query ${name}(${host})`)
      err.code = 'ENOTFOUND'
      throw err
    }
  }
}
for (const proto of [dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (/^resolve/.test(name)) {
      const isPromise = proto === dns.promises.Resolver.prototype
      proto[name] = function (host, ...rest) {
        const err = blocked(`DNS query ${name}(${host})`)
        err.code = 'ENOTFOUND'
        if (isPromise) return Promise.reject(err)
        process.nextTick(rest[rest.length - 1], err)
      }
    }
  }
}

module.exports = { LOOPBACK }
