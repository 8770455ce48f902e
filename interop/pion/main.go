// pionpeer - an interoperability peer over pion/sctp (Debian's
// golang-github-pion-sctp-dev), for scripts/interop.
//
// pion/sctp runs an association over any net.Conn; over a plain UDP socket
// that is SCTP over UDP as RFC 6951 frames it (one SCTP packet per
// datagram, no extra header).  Modes:
//
//	-mode server   accept one association; with -echo send every message
//	               back on its stream with its PPID; -end-after N ends the
//	               association (-end shutdown|abort) after N messages
//	-mode client   associate, send -count messages (sizes, PPIDs and the
//	               payload pattern as `gsctp client`: byte j of message i
//	               is i*131 + j*7 + 0x5a), check the echoes with
//	               -expect-echo, then -end shutdown|abort|wait
//	-mode sink     as server, without echo; prints the throughput
//
// Odd streams are unordered when -unordered-odd is given (pion's
// unordered flag is per stream, not per message).  Output lines start
// with "pion:"; a failure prints "FAIL: ..." and exits 1; bad usage
// exits 2.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pion/logging"
	"github.com/pion/sctp"
)

var (
	mode         = flag.String("mode", "server", "server, client or sink")
	local        = flag.String("local", "127.0.0.1:9899", "local UDP address")
	remote       = flag.String("remote", "127.0.0.1:9899", "client: the peer's UDP address")
	echo         = flag.Bool("echo", false, "server: echo every message")
	endAfter     = flag.Int("end-after", 0, "server: end the association after N messages")
	end          = flag.String("end", "shutdown", "shutdown, abort or wait")
	count        = flag.Int("count", 1, "client: messages to send")
	sizes        = flag.String("size", "64", "client: comma-separated sizes")
	ppids        = flag.String("ppid", "0", "client: comma-separated PPIDs")
	streams      = flag.Int("streams", 1, "client: streams to send on")
	unorderedOdd = flag.Bool("unordered-odd", false, "odd streams unordered")
	expectEcho   = flag.Bool("expect-echo", false, "client: check echoes")
	timeout      = flag.Duration("timeout", 30*time.Second, "overall deadline")
)

// out prints one line and flushes it.
func out(format string, args ...interface{}) {
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

func fail(format string, args ...interface{}) {
	out("FAIL: "+format, args...)
	os.Exit(1)
}

func parseList(s string) []uint32 {
	var r []uint32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(f, 0, 32)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pionpeer: bad number %q\n", f)
			os.Exit(2)
		}
		r = append(r, uint32(v))
	}
	return r
}

func pattern(i, j int) byte {
	return byte(uint(i)*131 + uint(j)*7 + 0x5a)
}

// serverConn is a net.Conn over a listening UDP socket, bound to the first
// peer that sends a datagram (pion's Server wants a net.Conn).
type serverConn struct {
	*net.UDPConn
	peer  *net.UDPAddr
	first []byte
}

func (c *serverConn) Read(b []byte) (int, error) {
	if c.first != nil {
		n := copy(b, c.first)
		c.first = nil
		return n, nil
	}
	for {
		n, from, err := c.UDPConn.ReadFromUDP(b)
		if err != nil {
			return n, err
		}
		if from.IP.Equal(c.peer.IP) && from.Port == c.peer.Port {
			return n, nil
		}
	}
}

func (c *serverConn) Write(b []byte) (int, error) {
	return c.UDPConn.WriteToUDP(b, c.peer)
}

func (c *serverConn) RemoteAddr() net.Addr { return c.peer }

func config(conn net.Conn) sctp.Config {
	return sctp.Config{
		NetConn:       conn,
		LoggerFactory: logging.NewDefaultLoggerFactory(),
	}
}

// watchClose returns a channel closed when the association has ended
// (AcceptStream returns an error once pion's read loop has stopped), and
// hands every stream the peer opens to |onStream|.
func watchClose(a *sctp.Association, onStream func(*sctp.Stream)) chan struct{} {
	done := make(chan struct{})
	go func() {
		for {
			s, err := a.AcceptStream()
			if err != nil {
				close(done)
				return
			}
			if onStream != nil {
				onStream(s)
			}
		}
	}()
	return done
}

func endAssoc(a *sctp.Association, how string, closed chan struct{}, deadline time.Time) {
	switch how {
	case "shutdown":
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		if err := a.Shutdown(ctx); err != nil {
			fail("shutdown: %v", err)
		}
		out("pion: shutdown complete")
	case "abort":
		a.Abort("pionpeer abort")
		out("pion: aborted")
	case "wait":
		select {
		case <-closed:
			out("pion: the peer ended the association")
		case <-time.After(time.Until(deadline)):
			fail("timeout waiting for the peer to end the association")
		}
	default:
		fmt.Fprintf(os.Stderr, "pionpeer: -end must be shutdown, abort or wait\n")
		os.Exit(2)
	}
}

func runServer(deadline time.Time, sink bool) {
	laddr, err := net.ResolveUDPAddr("udp", *local)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pionpeer: %v\n", err)
		os.Exit(2)
	}
	uc, err := net.ListenUDP("udp", laddr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pionpeer: listen: %v\n", err)
		os.Exit(3)
	}
	out("pion: listening on %s", uc.LocalAddr())
	_ = uc.SetReadDeadline(deadline)
	buf := make([]byte, 65536)
	n, from, err := uc.ReadFromUDP(buf)
	if err != nil {
		fail("no packet arrived: %v", err)
	}
	_ = uc.SetReadDeadline(time.Time{})
	conn := &serverConn{UDPConn: uc, peer: from, first: append([]byte(nil), buf[:n]...)}

	type res struct {
		a   *sctp.Association
		err error
	}
	ch := make(chan res, 1)
	go func() {
		a, err := sctp.Server(config(conn))
		ch <- res{a, err}
	}()
	var a *sctp.Association
	select {
	case r := <-ch:
		if r.err != nil {
			fail("association: %v", r.err)
		}
		a = r.a
	case <-time.After(time.Until(deadline)):
		fail("timeout: no association came up (INITs from %s ignored?)", from)
	}
	out("pion: association up with %s", from)

	var mu sync.Mutex
	msgs, bytes := 0, 0
	start := time.Now()
	last := start
	ended := make(chan struct{})
	var endOnce sync.Once
	handle := func(s *sctp.Stream) {
		if *unorderedOdd && s.StreamIdentifier()%2 == 1 {
			s.SetReliabilityParams(true, sctp.ReliabilityTypeReliable, 0)
		}
		go func() {
			b := make([]byte, 1<<20)
			for {
				n, ppi, err := s.ReadSCTP(b)
				if err != nil {
					return
				}
				if *echo && !sink {
					if _, err := s.WriteSCTP(b[:n], ppi); err != nil {
						out("pion: echo on stream %d: %v", s.StreamIdentifier(), err)
					}
				}
				mu.Lock()
				msgs++
				bytes += n
				last = time.Now()
				reached := *endAfter > 0 && msgs == *endAfter
				mu.Unlock()
				if reached {
					endOnce.Do(func() { close(ended) })
				}
			}
		}()
	}
	closed := watchClose(a, handle)
	if *endAfter > 0 {
		select {
		case <-ended:
		case <-closed:
			fail("the association ended before %d messages arrived", *endAfter)
		case <-time.After(time.Until(deadline)):
			fail("timeout: %d of %d messages", msgs, *endAfter)
		}
		endAssoc(a, *end, closed, deadline)
	} else {
		select {
		case <-closed:
		case <-time.After(time.Until(deadline)):
			fail("timeout waiting for the peer to end the association")
		}
	}
	mu.Lock()
	secs := last.Sub(start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(bytes) / secs / 1e6
	}
	out("pion: %d messages, %d bytes in %.3f s (%.2f MB/s)", msgs, bytes, secs, rate)
	mu.Unlock()
	_ = a.Close()
	out("pion: OK")
}

func runClient(deadline time.Time) {
	raddr, err := net.ResolveUDPAddr("udp", *remote)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pionpeer: %v\n", err)
		os.Exit(2)
	}
	laddr, err := net.ResolveUDPAddr("udp", *local)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pionpeer: %v\n", err)
		os.Exit(2)
	}
	uc, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pionpeer: dial: %v\n", err)
		os.Exit(3)
	}
	type res struct {
		a   *sctp.Association
		err error
	}
	ch := make(chan res, 1)
	go func() {
		a, err := sctp.Client(config(uc))
		ch <- res{a, err}
	}()
	var a *sctp.Association
	select {
	case r := <-ch:
		if r.err != nil {
			fail("association: %v", r.err)
		}
		a = r.a
	case <-time.After(time.Until(deadline)):
		fail("timeout: no association came up")
	}
	out("pion: association up with %s", raddr)
	closed := watchClose(a, nil)

	sz := parseList(*sizes)
	pp := parseList(*ppids)
	ns := *streams
	ss := make([]*sctp.Stream, ns)
	for i := 0; i < ns; i++ {
		s, err := a.OpenStream(uint16(i), sctp.PayloadProtocolIdentifier(pp[0]))
		if err != nil {
			fail("open stream %d: %v", i, err)
		}
		if *unorderedOdd && i%2 == 1 {
			s.SetReliabilityParams(true, sctp.ReliabilityTypeReliable, 0)
		}
		ss[i] = s
	}

	// Echo checkers, one per stream: ordered streams strictly in order,
	// unordered ones against any message not yet echoed.
	var wg sync.WaitGroup
	errCh := make(chan error, ns)
	if *expectEcho {
		for si := 0; si < ns; si++ {
			var want []int
			for i := si; i < *count; i += ns {
				want = append(want, i)
			}
			if len(want) == 0 {
				continue
			}
			wg.Add(1)
			go func(s *sctp.Stream, want []int, unordered bool) {
				defer wg.Done()
				b := make([]byte, 1<<20)
				pending := map[int]bool{}
				for _, i := range want {
					pending[i] = true
				}
				next := 0
				for len(pending) > 0 {
					n, ppi, err := s.ReadSCTP(b)
					if err != nil {
						errCh <- fmt.Errorf("stream %d: read after %d of %d echoes: %v",
							s.StreamIdentifier(), len(want)-len(pending), len(want), err)
						return
					}
					match := func(i int) bool {
						if n != int(sz[i%len(sz)]) || uint32(ppi) != pp[i%len(pp)] {
							return false
						}
						for j := 0; j < n; j++ {
							if b[j] != pattern(i, j) {
								return false
							}
						}
						return true
					}
					found := -1
					if !unordered {
						for next < len(want) && !pending[want[next]] {
							next++
						}
						if next < len(want) && match(want[next]) {
							found = want[next]
						}
					} else {
						for _, i := range want {
							if pending[i] && match(i) {
								found = i
								break
							}
						}
					}
					if found < 0 {
						errCh <- fmt.Errorf("stream %d: echo of %d bytes ppid %d does not match the next message expected",
							s.StreamIdentifier(), n, ppi)
						return
					}
					delete(pending, found)
				}
			}(ss[si], want, *unorderedOdd && si%2 == 1)
		}
	}

	bytes := 0
	start := time.Now()
	for i := 0; i < *count; i++ {
		n := int(sz[i%len(sz)])
		b := make([]byte, n)
		for j := range b {
			b[j] = pattern(i, j)
		}
		if _, err := ss[i%ns].WriteSCTP(b, sctp.PayloadProtocolIdentifier(pp[i%len(pp)])); err != nil {
			fail("send of message %d: %v", i, err)
		}
		bytes += n
	}
	out("pion: sent %d messages (%d bytes) in %.3f s", *count, bytes, time.Since(start).Seconds())

	if *expectEcho {
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Until(deadline)):
			fail("timeout waiting for echoes")
		}
		select {
		case err := <-errCh:
			fail("%v", err)
		default:
		}
		out("pion: %d echoes verified", *count)
	} else if *end != "wait" {
		// Let the peer acknowledge everything before ending.
		buffered := func() uint64 {
			var t uint64
			for _, s := range ss {
				t += s.BufferedAmount()
			}
			return t
		}
		for buffered() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	endAssoc(a, *end, closed, deadline)
	_ = a.Close()
	out("pion: OK")
}

func main() {
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "pionpeer: unexpected argument %s\n", flag.Arg(0))
		os.Exit(2)
	}
	if *streams < 1 || *count < 0 {
		fmt.Fprintf(os.Stderr, "pionpeer: bad -streams or -count\n")
		os.Exit(2)
	}
	deadline := time.Now().Add(*timeout)
	switch *mode {
	case "server":
		runServer(deadline, false)
	case "sink":
		runServer(deadline, true)
	case "client":
		runClient(deadline)
	default:
		fmt.Fprintf(os.Stderr, "pionpeer: -mode must be server, client or sink\n")
		os.Exit(2)
	}
}
