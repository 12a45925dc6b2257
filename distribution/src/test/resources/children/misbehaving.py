#!/usr/bin/python3
"""A child that speaks the master's protocol itself, and misbehaves as its first argument says.

Like Postfix's single_server: fd 5 is the status channel, fd 6 the listen socket, GENERATION the
generation in octal; each connection is one line echoed back, reported TAKEN then AVAIL.
Behaviours:
  silent    never writes a status record (the master believes it is always available)
  gossip    before each TAKEN writes garbage: a partial record (alone, so the master reads it as
            such), an unknown pid, a wrong generation, an unknown status, and the pid written in the
            file of -o foreign_pid_file=PATH (another service's child)
  normal    behaves
The master's own options come first (-n, -t, -u, -o ...); the behaviour is the word after them.
"""
import os, select, socket, struct, sys, time

args = sys.argv[1:]
options, behaviour = {}, "normal"
i = 0
while i < len(args):
    if args[i] in ("-n", "-t", "-s", "-i", "-m", "-r"):
        i += 2
    elif args[i] == "-o":
        name, _, value = args[i + 1].partition("=")
        options[name.strip()] = value.strip()
        i += 2
    elif args[i].startswith("-"):
        i += 1
    else:
        behaviour = args[i]
        break

pid = os.getpid()
generation = int(os.environ.get("GENERATION", "0"), 8)
listener = socket.socket(fileno=6)
listener.setblocking(False)
max_use = int(options.get("max_use", "100"))

def status(value, p=pid, g=generation):
    if behaviour == "silent":
        return True
    try:
        os.write(5, struct.pack("=iIi", p, g, value))
        return True
    except OSError:
        return False

def gossip():
    path = options.get("foreign_pid_file")
    foreign = int(open(path).read()) if path and os.path.exists(path) else 0
    os.write(5, b"\x01\x02\x03\x04\x05")                       # a partial record
    time.sleep(0.1)
    os.write(5, struct.pack("=iIi", 999999, generation, 0))    # an unknown pid
    os.write(5, struct.pack("=iIi", pid, generation + 7, 0))   # a wrong generation
    os.write(5, struct.pack("=iIi", pid, generation, 42))      # an unknown status
    if foreign:
        os.write(5, struct.pack("=iIi", foreign, 1, 0))        # another service's child

served = 0
while served < max_use:
    ready, _, _ = select.select([5, 6], [], [], 100)
    if not ready or 5 in ready:
        sys.exit(0)
    try:
        client, _ = listener.accept()
    except BlockingIOError:
        continue
    if behaviour == "gossip":
        gossip()
    status(0)
    client.setblocking(True)
    line = b""
    while not line.endswith(b"\n"):
        chunk = client.recv(4096)
        if not chunk:
            break
        line += chunk
    client.sendall(line)
    client.close()
    served += 1
    if not status(1):
        sys.exit(0)
