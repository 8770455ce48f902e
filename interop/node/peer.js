#!/usr/bin/env node
// interop/node/peer.js - an interoperability peer over npm `sctp` or npm
// `werift-sctp`, for scripts/interop.
//
//   node peer.js --impl sctp|werift --mode server|client [options]
//
// Both run SCTP over a plain UDP socket of node's `dgram` (RFC 6951
// framing: one SCTP packet per datagram).  npm `sctp` takes the socket
// itself (its udpTransport); werift-sctp gets a shim of ours (a Transport
// with onData/send/close over dgram) that binds to the one peer given.
//
// Options (all "--name value"):
//   --local-udp ADDR:PORT   our UDP socket                 (required)
//   --remote-udp ADDR:PORT  the peer's UDP socket          (required)
//   --port P                our SCTP port                  (default 5000)
//   --remote-port P         the peer's SCTP port           (required)
//   --echo 1                server: echo every message on its stream
//   --end-after N           server: end after N messages (with --end)
//   --end shutdown|abort|wait   how to end (default: shutdown for the
//                           client, nothing for the server)
//   --count N --size LIST --ppid LIST --streams S   client: messages to
//                           send (payload byte j of message i is
//                           i*131 + j*7 + 0x5a, as `gsctp client`)
//   --unordered-odd 1       odd streams unordered
//   --expect-echo 1         client: check every echo
//   --timeout MS            overall deadline (default 30000)
// Output lines start with "<impl>:"; a failure prints "FAIL: ..." and
// exits 1; bad usage exits 2.
'use strict'

const dgram = require('dgram')

function usage (msg) {
  process.stderr.write(`peer.js: ${msg}\n`)
  process.exit(2)
}

const args = {}
{
  const a = process.argv.slice(2)
  for (let i = 0; i < a.length; i += 2) {
    if (!a[i].startsWith('--') || i + 1 >= a.length) usage(`bad argument ${a[i]}`)
    args[a[i].slice(2)] = a[i + 1]
  }
}
const impl = args.impl
const mode = args.mode
if (impl !== 'sctp' && impl !== 'werift') usage('--impl must be sctp or werift')
if (mode !== 'server' && mode !== 'client') usage('--mode must be server or client')

function addr (s, what) {
  if (!s) usage(`--${what} is required`)
  const i = s.lastIndexOf(':')
  const port = Number(s.slice(i + 1))
  if (i < 0 || !Number.isInteger(port) || port < 1 || port > 65535) usage(`bad --${what} ${s}`)
  return { address: s.slice(0, i), port }
}
function num (s, def, what) {
  if (s === undefined) return def
  const v = Number(s)
  if (!Number.isInteger(v) || v < 0) usage(`bad --${what} ${s}`)
  return v
}
function list (s, def) {
  if (s === undefined) return def
  return s.split(',').map(x => {
    const v = Number(x)
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) usage(`bad number ${x}`)
    return v
  })
}

const localUdp = addr(args['local-udp'], 'local-udp')
const remoteUdp = addr(args['remote-udp'], 'remote-udp')
const port = num(args.port, 5000, 'port')
const remotePort = num(args['remote-port'], 0, 'remote-port')
if (remotePort < 1) usage('--remote-port is required')
const echo = args.echo === '1'
const endAfter = num(args['end-after'], 0, 'end-after')
const end = args.end || (mode === 'client' ? 'shutdown' : (endAfter ? 'shutdown' : 'none'))
if (!['shutdown', 'abort', 'wait', 'none'].includes(end)) usage('bad --end')
const count = num(args.count, 1, 'count')
const sizes = list(args.size, [64])
const ppids = list(args.ppid, [0])
const streams = num(args.streams, 1, 'streams')
const unorderedOdd = args['unordered-odd'] === '1'
const expectEcho = args['expect-echo'] === '1'
const timeoutMs = num(args.timeout, 30000, 'timeout')
if (streams < 1) usage('bad --streams')

const out = (s) => process.stdout.write(`${impl}: ${s}\n`)
function fail (s) {
  process.stdout.write(`FAIL: ${s}\n`)
  process.exit(1)
}
setTimeout(() => fail(`timeout after ${timeoutMs} ms (${state()})`), timeoutMs).unref()
let stateNote = 'starting'
const state = () => stateNote

function pattern (i, j) {
  return (i * 131 + j * 7 + 0x5a) & 0xff
}
function message (i) {
  const n = sizes[i % sizes.length]
  const b = Buffer.alloc(n)
  for (let j = 0; j < n; j++) b[j] = pattern(i, j)
  return b
}

// ---- adapters: up(), send(), shutdown(), abort(), onData, onEnd -------

function npmSctp (udp) {
  const sctp = require('sctp')
  sctp.defaults({ sack_freq: 2 })
  const ev = { onData: null, onEnd: null, onUp: null }
  const sock = sctp.connect({
    passive: mode === 'server',
    localPort: port,
    port: remotePort,
    udpTransport: udp,
    udpPeer: remoteUdp,
    MIS: 32,
    OS: 32,
    // The socket's readable high-water mark is its advertised receive
    // window (a_rwnd); the default 16 KiB is below the largest message
    // of the matrix, and npm sctp has no partial delivery (docs/interop.md).
    readableHighWaterMark: 1024 * 1024
  })
  sock.on('error', e => out(`socket error: ${e && e.message}`))
  sock.on('data', () => {}) // keep the socket flowing; streams carry the data
  sock.on('stream', (st, id) => st.on('data', b => ev.onData(id, b.ppid, b)))
  sock.on('connect', () => {
    const a = sock.association
    a.once('COMMUNICATION LOST', () => ev.onEnd('comm_lost'))
    a.once('SHUTDOWN COMPLETE', () => ev.onEnd('shutdown_comp'))
    ev.onUp()
  })
  ev.send = (sid, ppid, unordered, buf) => new Promise((resolve, reject) => {
    sock.association.SEND(buf, { stream_id: sid, ppid, unordered }, e => e ? reject(e) : resolve())
  })
  ev.shutdown = () => sock.association.SHUTDOWN(() => {})
  ev.abort = () => sock.association.ABORT('peer.js abort')
  return ev
}

// The werift shim: a Transport over a dgram socket, bound to one peer.
function weriftSctp (udp) {
  const { SCTP } = require('werift-sctp')
  const transport = {
    onData: undefined,
    send: (buf) => new Promise((resolve, reject) =>
      udp.send(buf, remoteUdp.port, remoteUdp.address, e => e ? reject(e) : resolve())),
    close: () => udp.close()
  }
  udp.on('message', (buf, rinfo) => {
    if (rinfo.port !== remoteUdp.port || rinfo.address !== remoteUdp.address) return
    if (transport.onData) transport.onData(buf)
  })
  const s = mode === 'server' ? SCTP.server(transport, port) : SCTP.client(transport, port)
  const ev = { onData: null, onEnd: null, onUp: null }
  s.onReceive.subscribe((sid, ppid, data) => ev.onData(sid, ppid, data))
  let up = false
  s.stateChanged.connected.subscribe(() => { up = true; ev.onUp() })
  s.stateChanged.closed.subscribe(() => { if (up) ev.onEnd('closed') })
  ev.start = () => s.start(remotePort)
  ev.send = (sid, ppid, unordered, buf) => s.send(sid, ppid, buf, { ordered: !unordered })
  ev.shutdown = () => { out('werift has no graceful shutdown: stop() sends ABORT'); return s.stop() }
  ev.abort = () => s.stop()
  return ev
}

// ---- the scenario -----------------------------------------------------

const udp = dgram.createSocket('udp4')
udp.on('error', e => { process.stderr.write(`peer.js: udp: ${e.message}\n`); process.exit(3) })
udp.bind(localUdp.port, localUdp.address, () => {
  out(`listening on ${localUdp.address}:${localUdp.port} sctp port ${port}`)
  const a = impl === 'sctp' ? npmSctp(udp) : weriftSctp(udp)
  let ended = null
  const endWaiters = []
  a.onEnd = (how) => {
    if (ended) return
    ended = how
    out(`association ended: ${how}`)
    endWaiters.forEach(f => f())
  }
  const whenEnded = () => new Promise(resolve => ended ? resolve() : endWaiters.push(resolve))
  const finish = async (how) => {
    if (how === 'shutdown') {
      stateNote = 'shutting down'
      await a.shutdown()
      await whenEnded()
    } else if (how === 'abort') {
      stateNote = 'aborting'
      await a.abort()
      out('aborted')
    } else if (how === 'wait') {
      stateNote = 'waiting for the peer to end the association'
      await whenEnded()
    }
    out('OK')
    // Let the last packets (SHUTDOWN COMPLETE, ABORT) leave.
    setTimeout(() => process.exit(0), 200)
  }

  if (mode === 'server') {
    let n = 0
    let bytes = 0
    const echoes = []
    a.onData = (sid, ppid, data) => {
      n++
      bytes += data.length
      if (echo && !ended) {
        echoes.push(a.send(sid, ppid, unorderedOdd && sid % 2 === 1, Buffer.from(data))
          .catch(e => out(`echo: ${e.message}`)))
      }
      if (endAfter && n === endAfter) {
        out(`${n} messages (${bytes} bytes); ending: ${end}`)
        // The echoes first: npm sctp sends no queued DATA once SHUTDOWN
        // was asked for (docs/interop.md).
        Promise.all(echoes).then(() => finish(end)).catch(e => fail(`${end}: ${e.message}`))
      }
    }
    a.onUp = () => { out('association up'); stateNote = `up, ${n} messages` }
    if (!endAfter) {
      whenEnded().then(() => {
        out(`${n} messages (${bytes} bytes)`)
        out('OK')
        setTimeout(() => process.exit(0), 200)
      })
    }
    if (a.start) a.start().catch(e => fail(`start: ${e.message}`))
    return
  }

  // client
  const pending = []
  for (let s = 0; s < streams; s++) pending.push([])
  let echoed = 0
  let echoDone = null
  a.onData = (sid, ppid, data) => {
    if (!expectEcho) return
    const q = pending[sid]
    if (!q) fail(`echo on stream ${sid}, which we never sent on`)
    const matches = (i) => {
      if (ppids[i % ppids.length] !== ppid) return false
      return Buffer.compare(message(i), data) === 0
    }
    let k = -1
    if (unorderedOdd && sid % 2 === 1) {
      k = q.findIndex(matches)
    } else if (q.length > 0 && matches(q[0])) {
      k = 0
    }
    if (k < 0) {
      fail(`stream ${sid}: echo of ${data.length} bytes ppid ${ppid} does not match the next message expected (#${q[0]})`)
    }
    q.splice(k, 1)
    echoed++
    stateNote = `${echoed} of ${count} echoes`
    if (echoed === count && echoDone) echoDone()
  }
  a.onUp = async () => {
    out('association up')
    try {
      let bytes = 0
      for (let i = 0; i < count; i++) {
        const sid = i % streams
        const b = message(i)
        pending[sid].push(i)
        stateNote = `sending message ${i}`
        await a.send(sid, ppids[i % ppids.length], unorderedOdd && sid % 2 === 1, b)
        bytes += b.length
      }
      out(`sent ${count} messages (${bytes} bytes)`)
      if (expectEcho && echoed < count) {
        stateNote = `${echoed} of ${count} echoes`
        await new Promise(resolve => { echoDone = resolve })
      }
      if (expectEcho) out(`${count} echoes verified`)
      await finish(end)
    } catch (e) {
      fail(`${e.message} (${stateNote})`)
    }
  }
  if (a.start) a.start().catch(e => fail(`start: ${e.message}`))
})
