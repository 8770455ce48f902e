#!/usr/bin/env python3
"""free_udp_ports.py [N] - print N (default 1) distinct free UDP ports.

Each port is found by binding UDP port 0 on 0.0.0.0, and is kept only if
the same port can also be bound on :: (IPv6 only), because usrsctp's UDP
encapsulation binds its port on both.  All the sockets are held until
every port is found, so the ports are distinct; they are released on
exit, so a caller must use them promptly (another program could take one
in between; callers should be ready to retry).
"""
import errno
import socket
import sys


def main() -> int:
    try:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    except ValueError:
        n = -1
    if n < 1 or n > 100 or len(sys.argv) > 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2

    held = []
    ports = []
    try:
        for _ in range(n * 20):
            if len(ports) == n:
                break
            s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s4.bind(("0.0.0.0", 0))
            held.append(s4)
            port = s4.getsockname()[1]
            if socket.has_ipv6:
                try:
                    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    held.append(s6)
                    s6.bind(("::", port))
                except OSError as e:
                    # No IPv6 on this machine at all: the IPv4 check is
                    # all there is.  Port taken on IPv6: try another.
                    if e.errno not in (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL):
                        continue
            ports.append(port)
    finally:
        for s in held:
            s.close()

    if len(ports) < n:
        print("free_udp_ports: could not find %d free UDP ports" % n,
              file=sys.stderr)
        return 1
    print(" ".join(str(p) for p in ports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
